import { Elysia } from 'elysia'
import type { Deps } from '../platform/deps'
import { filesRoutes } from './files/routes'

/** The files domain: uploads, content and image variants (SPEC §8). */
export function files(deps: Deps) {
  return new Elysia({ name: 'domain.files' }).use(filesRoutes(deps))
}
