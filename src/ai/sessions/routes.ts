import { Elysia } from 'elysia'
import type { Deps } from '../../platform/deps'
import { authGuard } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import { Exchange, IdParams, ResolveResult, SendBody, Session } from './model'
import { getSession, resolveSession, sendMessage, startSession } from './service'

export function sessionRoutes(deps: Deps) {
  return new Elysia({ tags: ['ai'] })
    .use(authGuard(deps))
    .post('/scenarios/:id/sessions', async ({ auth, params, set }) => {
      const session = await startSession(deps, auth.userId, params.id)
      set.status = 201
      return session
    }, {
      auth: true,
      params: IdParams,
      detail: { summary: 'Start a role-play session; it opens with the persona\'s first message (one AI call: counts against AI_DAILY_MESSAGES, 429 ai_quota_exceeded)' },
      response: { 201: Session, ...errorResponses(401, 404, 422, 429, 503) },
    })
    .get('/scenario-sessions/:id', ({ auth, params }) => getSession(deps, auth.userId, params.id), {
      auth: true,
      params: IdParams,
      detail: { summary: 'One of my scenario sessions with its messages and (once resolved) its result' },
      response: { 200: Session, ...errorResponses(401, 404, 422) },
    })
    .post('/scenario-sessions/:id/messages', async ({ auth, params, body, set }) => {
      const pair = await sendMessage(deps, auth.userId, params.id, body.body)
      set.status = 201
      return pair
    }, {
      auth: true,
      params: IdParams,
      body: SendBody,
      detail: { summary: 'Say something to the persona; its reply is also pushed as notification {kind: "scenario_message"}' },
      response: { 201: Exchange, ...errorResponses(401, 404, 409, 422, 429, 503) },
    })
    .post('/scenario-sessions/:id/resolve', ({ auth, params }) => resolveSession(deps, auth.userId, params.id), {
      auth: true,
      params: IdParams,
      detail: { summary: 'End the session: rubric assessment against the objectives and XP (once); resolving twice is 409; each assessment call counts against AI_DAILY_MESSAGES (429 ai_quota_exceeded)' },
      response: { 200: ResolveResult, ...errorResponses(401, 404, 409, 422, 429, 503) },
    })
}
