import { Elysia } from 'elysia'
import type { Deps } from '../platform/deps'
import { jobsRoutes } from './jobs/routes'
import { statsRoutes } from './stats/routes'
import { auditRoutes } from './audit/routes'

/** The admin domain: the jobs (dead-letter) view, platform statistics and the audit log. */
export function admin(deps: Deps) {
  return new Elysia({ name: 'domain.admin' }).use(jobsRoutes(deps)).use(statsRoutes(deps)).use(auditRoutes(deps))
}
