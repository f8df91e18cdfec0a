import { Elysia, t } from 'elysia'
import { authGuard } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import type { AccountsDeps, AccountsOptions } from '../types'
import { listenForUserChanges } from '../users/cache'
import { User } from '../users/model'
import { ListQuery, PatchMeBody, SessionList } from './model'
import { deleteSession, getMe, listSessions, patchMe } from './service'

/** The signed-in user's profile and sessions. */
export function meRoutes(deps: AccountsDeps, opts: AccountsOptions) {
  listenForUserChanges(deps.sql)
  return new Elysia({ prefix: '/me', tags: ['me'] })
    .use(authGuard(deps))
    .get('', ({ auth, set }) => getMe(deps, auth.userId, set), {
      auth: true,
      detail: { summary: 'The signed-in user' },
      response: { 200: User, ...errorResponses(401) },
    })
    .patch('', ({ auth, body }) => patchMe(deps, opts, auth.userId, body), {
      auth: true,
      body: PatchMeBody,
      detail: { summary: 'Update display name, avatar (an uploaded image file id, or null) or locale' },
      response: { 200: User, ...errorResponses(401, 404, 422) },
    })
    .get('/sessions', ({ auth, query }) => listSessions(deps, auth, query), {
      auth: true,
      query: ListQuery,
      detail: { summary: 'Active sessions, most recently used first' },
      response: { 200: SessionList, ...errorResponses(401, 422) },
    })
    .delete('/sessions/:id', async ({ auth, params, set }) => {
      await deleteSession(deps, auth.userId, params.id)
      set.status = 204
    }, {
      auth: true,
      params: t.Object({ id: t.String({ format: 'uuid' }) }),
      detail: { summary: 'Revoke a session: its refresh token and access tokens stop working at once' },
      response: { 204: t.Void(), ...errorResponses(401, 404, 422) },
    })
}
