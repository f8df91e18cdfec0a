import { Elysia } from 'elysia'
import type { Deps } from '../platform/deps'
import { filesRoutes, type FilesOptions } from './files/routes'

/** The files domain: uploads, content and image variants (SPEC §8). */
export function files(deps: Deps, opts: FilesOptions = {}) {
  return new Elysia({ name: 'domain.files' }).use(filesRoutes(deps, opts))
}
