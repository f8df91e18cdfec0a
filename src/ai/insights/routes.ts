import { Elysia } from 'elysia'
import type { Deps } from '../../platform/deps'
import { authGuard } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import { InsightList, InsightQuery } from './model'
import { listMyInsights } from './service'

export function insightRoutes(deps: Deps) {
  return new Elysia({ prefix: '/me', tags: ['ai'] })
    .use(authGuard(deps))
    .get('/insights', ({ auth, query }) => listMyInsights(deps, auth.userId, query), {
      auth: true,
      query: InsightQuery,
      detail: { summary: 'Mentor insights written after my lesson completions and quiz results, newest first' },
      response: { 200: InsightList, ...errorResponses(401, 422) },
    })
}
