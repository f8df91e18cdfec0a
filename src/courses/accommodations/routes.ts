import { Elysia, t } from 'elysia'
import type { Deps } from '../../platform/deps'
import { authGuard } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import { Accommodation, AccommodationList, Params, PutAccommodation } from './model'
import { listQuizAccommodations, putAccommodation } from './service'

export function accommodationRoutes(deps: Deps) {
  return new Elysia({ tags: ['courses'] })
    .use(authGuard(deps))
    .put('/quizzes/:id/accommodations/:user_id', ({ auth, params, body }) => putAccommodation(deps, params.id, params.user_id, auth, body), {
      auth: true,
      params: Params,
      body: PutAccommodation,
      detail: { summary: "Set one learner's extra attempts and extra time on a quiz (owner or admin); applies to their next attempts" },
      response: { 200: Accommodation, ...errorResponses(401, 403, 404, 422) },
    })
    .get('/quizzes/:id/accommodations', ({ auth, params }) => listQuizAccommodations(deps, params.id, auth), {
      auth: true,
      params: t.Object({ id: t.String({ format: 'uuid' }) }),
      detail: { summary: 'Accommodations set on a quiz (owner or admin)' },
      response: { 200: AccommodationList, ...errorResponses(401, 403, 404, 422) },
    })
}
