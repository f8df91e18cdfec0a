import { Elysia, t } from 'elysia'
import type { Deps } from '../../platform/deps'
import { authGuard } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import { CourseAnalytics } from './model'
import { courseAnalytics } from './service'

export function analyticsRoutes(deps: Deps) {
  return new Elysia({ tags: ['courses'] })
    .use(authGuard(deps))
    .get('/courses/:id/analytics', ({ auth, params }) => courseAnalytics(deps, params.id, auth), {
      auth: true,
      params: t.Object({ id: t.String({ format: 'uuid' }) }),
      detail: { summary: 'Course analytics (owner or admin): enrollment funnel, per-lesson started/completed, per-question correct rate and average points' },
      response: { 200: CourseAnalytics, ...errorResponses(401, 403, 404, 422) },
    })
}
