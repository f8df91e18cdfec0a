import { Elysia, t } from 'elysia'
import type { Deps } from '../../platform/deps'
import { authGuard } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import { PutQuiz, Quiz } from './model'
import { putQuiz, removeQuiz } from './service'

const IdParams = t.Object({ id: t.String({ format: 'uuid' }) })

export function quizRoutes(deps: Deps) {
  return new Elysia({ tags: ['courses'] })
    .use(authGuard(deps))
    .put('/lessons/:id/quiz', ({ auth, params, body }) => putQuiz(deps, params.id, auth, body), {
      auth: true,
      params: IdParams,
      body: PutQuiz,
      detail: { summary: "Create or replace a lesson's quiz (owner or admin); answers are returned to the owner only. Attempts already started keep their questions" },
      response: { 200: Quiz, ...errorResponses(401, 403, 404, 422) },
    })
    .delete('/lessons/:id/quiz', async ({ auth, params, set }) => {
      await removeQuiz(deps, params.id, auth)
      set.status = 204
    }, {
      auth: true,
      params: IdParams,
      detail: { summary: "Remove a lesson's quiz (owner or admin)" },
      response: { 204: t.Void(), ...errorResponses(401, 403, 404, 422) },
    })
}
