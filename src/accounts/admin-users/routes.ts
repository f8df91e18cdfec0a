import { Elysia, t } from 'elysia'
import { authGuard } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import type { AccountsDeps } from '../types'
import { User } from '../users/model'
import { AdminUserList, AdminUserPatch, AdminUsersQuery } from './model'
import { adminListUsers, adminPatchUser } from './service'

/** Admin user management: list/search, change role, suspend. */
export function adminUserRoutes(deps: AccountsDeps) {
  return new Elysia({ prefix: '/admin/users', tags: ['admin'] })
    .use(authGuard(deps))
    .get('', ({ query }) => adminListUsers(deps, query), {
      auth: 'admin',
      query: AdminUsersQuery,
      detail: { summary: 'List users, newest first; search by email or name, filter by role or status' },
      response: { 200: AdminUserList, ...errorResponses(401, 403, 422) },
    })
    .patch('/:id', ({ auth, params, body }) => adminPatchUser(deps, auth.userId, params.id, body), {
      auth: 'admin',
      params: t.Object({ id: t.String({ format: 'uuid' }) }),
      body: AdminUserPatch,
      detail: {
        summary: "Change a user's role or status; both revoke their access tokens (401 token_revoked) and close their sockets (4401) at once",
        description: 'A role change keeps the sessions: the next refresh gets a token with the new role. Suspending revokes every session as well.',
      },
      response: { 200: User, ...errorResponses(401, 403, 404, 409, 422) },
    })
}
