import { httpErrors } from '../../platform/http/errors'
import type { Role } from '../../platform/http/auth'
import { decodeKeyset, keysetPage } from '../../platform/http/cursor'
import { accountErrors } from '../errors'
import { revokeAccessAfterRoleChange, revokeAllSessions } from '../sessions/service'
import type { AccountsDeps } from '../types'
import { toUser } from '../users/present'
import { findUserById, updateUser } from '../users/queries'
import { listUsers } from './queries'

export async function adminListUsers(deps: Pick<AccountsDeps, 'sql'>, q: { search?: string; role?: string; status?: string; limit?: number; cursor?: string }) {
  const limit = q.limit ?? 20
  const rows = await listUsers(deps.sql, { ...q, limit: limit + 1, after: decodeKeyset(q.cursor) ?? undefined })
  const { items, next_cursor } = keysetPage(rows, limit, (r) => ({ at: r.created_at, id: r.id }))
  return { items: items.map(toUser), next_cursor }
}

/**
 * Changes a user's role or status. A role change revokes the user's access tokens and closes
 * their sockets at once (a refresh gets the new role); suspending revokes every session too.
 */
export async function adminPatchUser(deps: AccountsDeps, actorId: string, id: string, patch: { role?: Role; status?: 'active' | 'suspended' }) {
  if (id === actorId && (patch.role !== undefined || patch.status !== undefined)) {
    // An admin locking themselves out (or demoting the last admin) is never what was meant.
    if ((patch.role && patch.role !== 'admin') || patch.status === 'suspended') throw accountErrors.selfModification()
  }
  const before = await findUserById(deps.sql, id)
  const user = before && (await updateUser(deps.sql, id, patch))
  if (!user) throw httpErrors.notFound('User not found')
  if (patch.status === 'suspended') await revokeAllSessions(deps, id)
  else if (user.role !== before.role) await revokeAccessAfterRoleChange(deps, id)
  return toUser(user)
}
