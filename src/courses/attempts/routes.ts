import { Elysia, t } from 'elysia'
import type { Deps } from '../../platform/deps'
import { authGuard } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import { Answers, Attempt, AttemptList, Review, SubmitResult } from './model'
import { getAttempt, listMyAttempts, saveAttemptAnswers, startAttempt } from './service'
import { reviewAttempt, submitAttempt } from './submit'

const IdParams = t.Object({ id: t.String({ format: 'uuid' }) })

export function attemptRoutes(deps: Deps) {
  return new Elysia({ tags: ['courses'] })
    .use(authGuard(deps))
    .post('/quizzes/:id/attempts', async ({ auth, params, set }) => {
      const { attempt, created } = await startAttempt(deps, params.id, auth)
      set.status = created ? 201 : 200
      return attempt
    }, {
      auth: true,
      params: IdParams,
      detail: { summary: 'Start an attempt (201), or get the open one (200); 409 max_attempts_exceeded. A time limit sets a server-side `expires_at`' },
      response: { 200: Attempt, 201: Attempt, ...errorResponses(401, 402, 403, 404, 409, 422) },
    })
    .get('/quizzes/:id/attempts', ({ auth, params }) => listMyAttempts(deps, params.id, auth), {
      auth: true,
      params: IdParams,
      detail: { summary: "The caller's attempts of a quiz and the one that counts under the grading policy" },
      response: { 200: AttemptList, ...errorResponses(401, 404, 422) },
    })
    .get('/attempts/:id', ({ auth, params }) => getAttempt(deps, params.id, auth), {
      auth: true,
      params: IdParams,
      detail: { summary: "One of the caller's attempts (the course owner may read it too); another user's → 404" },
      response: { 200: Attempt, ...errorResponses(401, 404, 422) },
    })
    .put('/attempts/:id/answers', ({ auth, params, body }) => saveAttemptAnswers(deps, params.id, auth, body.answers), {
      auth: true,
      params: IdParams,
      body: Answers,
      detail: { summary: 'Autosave answers while in progress (merged by question); 409 attempt_expired once time has run out' },
      response: { 200: Attempt, ...errorResponses(401, 404, 409, 422) },
    })
    .post('/attempts/:id/submit', ({ auth, params, body }) => submitAttempt(deps, params.id, auth, body.answers), {
      auth: true,
      params: IdParams,
      body: Answers,
      detail: { summary: 'Submit and grade; a pass completes the lesson. After expires_at + 5 s grace → 409 attempt_expired (saved answers already graded)' },
      response: { 200: SubmitResult, ...errorResponses(401, 404, 409, 422) },
    })
    .post('/attempts/:id/review', ({ auth, params, body }) => reviewAttempt(deps, params.id, auth, body), {
      auth: true,
      params: IdParams,
      body: Review,
      detail: { summary: 'Score an essay question (course owner or admin); may turn a fail into a pass, which completes the lesson' },
      response: { 200: SubmitResult, ...errorResponses(401, 403, 404, 409, 422) },
    })
}
