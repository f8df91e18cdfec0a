import { httpErrors } from '../../platform/http/errors'
import { nowDate } from '../clock'
import { decodeKeyset, keysetPage } from '../../platform/http/cursor'
import { listLiveSessions } from '../sessions/queries'
import { revokeSession } from '../sessions/service'
import type { AccountsDeps, AccountsOptions } from '../types'
import { cachedUser, freshUser } from '../users/cache'
import { jsonText, type ResponseHeaders } from '../../platform/http/request-id'
import { toUser } from '../users/present'
import { findUserById, updateUser } from '../users/queries'

/**
 * The signed-in user as a ready JSON response: `GET /me` is the hottest authenticated read, so
 * the profile comes from the in-process cache (users/cache.ts) already serialised, without
 * waiting when it is fresh.
 */
export function getMe(deps: Pick<AccountsDeps, 'sql'>, userId: string, set: ResponseHeaders): Response | Promise<Response> {
  const fresh = freshUser(userId)
  if (fresh) return jsonText(set, fresh.json)
  return cachedUser(userId, async () => {
    const row = await findUserById(deps.sql, userId)
    return row ? toUser(row) : null
  }).then((cached) => {
    if (!cached) throw httpErrors.unauthorized()
    return jsonText(set, cached.json)
  })
}

/** Updates the profile; an avatar must pass the injected files check when one is wired. */
export async function patchMe(
  deps: Pick<AccountsDeps, 'sql'>,
  opts: AccountsOptions,
  userId: string,
  body: { display_name?: string; avatar_file_id?: string | null; locale?: string },
) {
  if (body.avatar_file_id && opts.checkAvatar) await opts.checkAvatar(userId, body.avatar_file_id)
  const user = await updateUser(deps.sql, userId, { display_name: body.display_name?.trim(), avatar_file_id: body.avatar_file_id, locale: body.locale }).catch((err) => {
    // The files domain keeps a foreign key on avatar_file_id: an unknown file is the client's mistake.
    if ((err as { code?: string })?.code === '23503') throw httpErrors.validation([{ field: 'avatar_file_id', message: 'Unknown file' }])
    throw err
  })
  if (!user) throw httpErrors.unauthorized()
  return toUser(user)
}

export async function listSessions(deps: Pick<AccountsDeps, 'sql'>, auth: { userId: string; sid: string }, q: { limit?: number; cursor?: string }) {
  const limit = q.limit ?? 20
  const rows = await listLiveSessions(deps.sql, auth.userId, nowDate(), limit + 1, decodeKeyset(q.cursor) ?? undefined)
  const { items, next_cursor } = keysetPage(rows, limit, (r) => ({ at: r.last_used_at, id: r.id }))
  return {
    items: items.map((r) => ({
      id: r.id,
      device: r.device,
      ip: r.ip,
      created_at: r.created_at,
      last_used_at: r.last_used_at,
      current: r.id === auth.sid,
    })),
    next_cursor,
  }
}

export async function deleteSession(deps: AccountsDeps, userId: string, sid: string) {
  if (!(await revokeSession(deps, userId, sid))) throw httpErrors.notFound('Session not found')
}
