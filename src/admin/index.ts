import { Elysia } from 'elysia'
import type { Deps } from '../platform/deps'
import { jobsRoutes } from './jobs/routes'

/** The admin domain: the jobs view (stats are added with the domains they read). */
export function admin(deps: Deps) {
  return new Elysia({ name: 'domain.admin' }).use(jobsRoutes(deps))
}
