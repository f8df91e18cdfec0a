import { revokeSessionAccess, revokeUserAccess, signAccessToken, tokenDepsOf } from '../../platform/http/auth'
import type { Tx } from '../../platform/db'
import { enforceRateLimits } from '../../platform/http/rate-limit'
import { nowDate } from '../clock'
import { accountErrors } from '../errors'
import { limits } from '../limits'
import { randomToken, sha256 } from '../secrets'
import type { AccountsDeps, ClientContext } from '../types'
import { findUserById, type UserRow } from '../users/queries'
import * as q from './queries'

export type Tokens = { access_token: string; refresh_token: string; expires_in: number }

/** How long ended sessions and rotated refresh tokens are kept (reuse detection, audit). */
const RETENTION_MS = 7 * 24 * 3600 * 1000

/**
 * Signs an access token, then reads the user's role again: a role change that committed after
 * the caller read the row (e.g. during a login's password check) re-signs with the new role.
 * A change committing after this read comes after the signature too, so its revocation stamp
 * catches the token: no token outlives the role it claims.
 */
async function accessTokenFor(deps: Pick<AccountsDeps, 'config'>, user: Pick<UserRow, 'id' | 'role'>, sid: string, sql: Tx) {
  let role = user.role
  for (let attempt = 0; attempt < 5; attempt++) {
    const { token, expiresIn } = await signAccessToken({ secret: deps.config.JWT_SECRET, accessTtl: deps.config.ACCESS_TOKEN_TTL }, { userId: user.id, role, sid })
    const current = (await findUserById(sql, user.id))?.role ?? role
    if (current === role) return { access_token: token, expires_in: expiresIn }
    role = current
  }
  // The role keeps changing under us: issue nothing rather than a token that may be stale.
  throw accountErrors.tokenRevoked()
}

/** Opens a session for `user` and returns its first access + refresh tokens. */
export async function openSession(deps: Pick<AccountsDeps, 'sql' | 'config'>, user: UserRow, ctx: ClientContext, sql: Tx = deps.sql): Promise<Tokens> {
  const now = nowDate()
  const refresh = randomToken()
  const session = await q.insertSession(sql, {
    user_id: user.id,
    device: ctx.device,
    ip: ctx.ip,
    now,
    expires_at: new Date(now.getTime() + deps.config.REFRESH_TOKEN_TTL * 1000),
  })
  await q.insertRefreshToken(sql, sha256(refresh), session.id, now)
  await q.deleteEndedSessions(sql, user.id, new Date(now.getTime() - RETENTION_MS))
  return { ...(await accessTokenFor(deps, user, session.id, sql)), refresh_token: refresh }
}

type RefreshOutcome = { ok: Tokens } | { reused: { sid: string; userId: string } } | { error: 'invalid' | 'expired' | 'revoked' }

/**
 * Rotates a refresh token. Presenting a token that was already rotated means it leaked (or a
 * client replayed it): the whole session is revoked, with its access tokens and sockets.
 */
export async function refreshSession(deps: AccountsDeps, refreshToken: string, ctx: ClientContext): Promise<Tokens> {
  await enforceRateLimits(deps, [[limits.refreshIp, ctx.ip]])
  const hash = sha256(refreshToken)
  const outcome = await deps.sql.begin(async (tx): Promise<RefreshOutcome> => {
    const row = await q.findRefreshTokenForUpdate(tx, hash)
    if (!row) return { error: 'invalid' }
    const now = nowDate()
    if (row.revoked_at) return { error: 'revoked' }
    const reuse = async (): Promise<RefreshOutcome> => {
      await q.revokeSessionRow(tx, row.user_id, row.id, now)
      return { reused: { sid: row.id, userId: row.user_id } }
    }
    if (row.rotated_at) return reuse()
    if (row.expires_at <= now) return { error: 'expired' }
    const user = await findUserById(tx, row.user_id)
    if (!user || user.status !== 'active') return { error: 'revoked' }
    await enforceRateLimits(deps, [[limits.refreshAccount, user.id]])
    const next = randomToken()
    if (!(await q.markRefreshTokenRotated(tx, hash, now))) return reuse()
    await q.insertRefreshToken(tx, sha256(next), row.id, now)
    await q.touchSession(tx, row.id, ctx.ip, now)
    await q.deleteOldRotatedTokens(tx, row.id, new Date(now.getTime() - RETENTION_MS))
    return { ok: { ...(await accessTokenFor(deps, user, row.id, tx)), refresh_token: next } }
  })
  if ('ok' in outcome) return outcome.ok
  if ('reused' in outcome) {
    deps.log.warn('refresh token reuse: session revoked', { user_id: outcome.reused.userId, session_id: outcome.reused.sid })
    await killSessionAccess(deps, outcome.reused.userId, outcome.reused.sid)
    throw accountErrors.tokenRevoked()
  }
  throw outcome.error === 'invalid' ? accountErrors.refreshInvalid() : outcome.error === 'expired' ? accountErrors.refreshExpired() : accountErrors.tokenRevoked()
}

/** Access tokens of the session fail from now on and its sockets close (4401). */
async function killSessionAccess(deps: AccountsDeps, userId: string, sid: string) {
  await revokeSessionAccess(tokenDepsOf(deps), sid)
  await deps.hub.closeSockets({ userId, sid })
}

/**
 * After a role change: every access token issued so far fails at once (401 token_revoked) and
 * the user's sockets close with 4401; sessions survive, so a refresh gets a token with the new role.
 */
export async function revokeAccessAfterRoleChange(deps: Pick<AccountsDeps, 'redis' | 'keys' | 'config' | 'hub'>, userId: string) {
  await revokeUserAccess(tokenDepsOf(deps), userId)
  await deps.hub.closeSockets({ userId }, 4401, 'role changed')
}

/** Revokes one session of `userId`; false when it is not theirs or not live. */
export async function revokeSession(deps: AccountsDeps, userId: string, sid: string): Promise<boolean> {
  const done = await q.revokeSessionRow(deps.sql, userId, sid, nowDate())
  // Only the owner's live session: a guessed id of someone else's session must change nothing.
  if (done) await killSessionAccess(deps, userId, sid)
  return done
}

/**
 * Revokes every session of a user. With `exceptSid` (password change) the caller's own
 * session survives; otherwise every access token issued so far fails at once.
 */
export async function revokeAllSessions(deps: AccountsDeps, userId: string, exceptSid?: string, sql: Tx = deps.sql) {
  const ids = await q.revokeUserSessionRows(sql, userId, nowDate(), exceptSid)
  if (exceptSid) {
    for (const sid of ids) await killSessionAccess(deps, userId, sid)
    return
  }
  await revokeUserAccess(tokenDepsOf(deps), userId)
  await deps.hub.closeSockets({ userId })
}
