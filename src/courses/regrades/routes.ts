import { Elysia, t } from 'elysia'
import type { Deps } from '../../platform/deps'
import { authGuard } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import { RegradeBody, RegradeResult, RegradeRunList } from './model'
import { listQuizRegrades, regradeQuiz } from './service'

const IdParams = t.Object({ id: t.String({ format: 'uuid' }) })

export function regradeRoutes(deps: Deps) {
  return new Elysia({ tags: ['courses'] })
    .use(authGuard(deps))
    .post('/quizzes/:id/regrade', ({ auth, params, body }) => regradeQuiz(deps, params.id, auth, body), {
      auth: true,
      params: IdParams,
      body: RegradeBody,
      detail: {
        summary: "Rescore a quiz's graded attempts with its current answer key and points (owner or admin)",
        description: 'A dry run lists every attempt whose score or pass would change. Applying rewrites them and, per learner in one transaction: a new pass completes the lesson (and possibly the course and its certificate); a lost pass un-completes the lesson this quiz completed, re-opens the enrollment and revokes its certificate. XP is kept. Each affected learner gets notification {kind: "quiz_regraded"}.',
      },
      response: { 200: RegradeResult, ...errorResponses(401, 403, 404, 422) },
    })
    .get('/quizzes/:id/regrades', ({ auth, params }) => listQuizRegrades(deps, params.id, auth), {
      auth: true,
      params: IdParams,
      detail: { summary: 'Applied regrade runs of a quiz, newest first (owner or admin)' },
      response: { 200: RegradeRunList, ...errorResponses(401, 403, 404, 422) },
    })
}
