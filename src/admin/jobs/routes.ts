import { Elysia, t } from 'elysia'
import type { Deps } from '../../platform/deps'
import { authGuard } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import { Job, JobList, JobsQuery } from './model'
import { listJobs, retryJob } from './service'

export function jobsRoutes(deps: Deps) {
  return new Elysia({ prefix: '/admin/jobs', tags: ['admin'] })
    .use(authGuard(deps))
    .get('', ({ query }) => listJobs(deps, query), {
      auth: 'admin',
      query: JobsQuery,
      detail: { summary: 'List jobs by queue and state (default: failed — the dead-letter view); secrets redacted' },
      response: { 200: JobList, ...errorResponses(401, 403, 404, 422) },
    })
    .post('/:queue/:id/retry', ({ params }) => retryJob(deps, params.queue, params.id), {
      auth: 'admin',
      params: t.Object({ queue: t.String(), id: t.String() }),
      detail: { summary: 'Retry a failed job' },
      response: { 200: Job, ...errorResponses(401, 403, 404, 409) },
    })
}
