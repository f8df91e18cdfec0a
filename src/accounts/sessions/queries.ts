import type { Tx } from '../../platform/db'

export type SessionRow = {
  id: string
  user_id: string
  device: string | null
  ip: string | null
  created_at: Date
  last_used_at: Date
  expires_at: Date
  revoked_at: Date | null
}

export async function insertSession(sql: Tx, s: { user_id: string; device: string | null; ip: string; now: Date; expires_at: Date }) {
  const [row] = await sql<SessionRow[]>`
    insert into sessions (user_id, device, ip, created_at, last_used_at, expires_at)
    values (${s.user_id}, ${s.device}, ${s.ip}, ${s.now}, ${s.now}, ${s.expires_at}) returning *`
  return row!
}

export async function insertRefreshToken(sql: Tx, tokenHash: string, sessionId: string, now: Date) {
  await sql`insert into refresh_tokens (token_hash, session_id, created_at) values (${tokenHash}, ${sessionId}, ${now})`
}

/**
 * The refresh token with its session, both rows locked: concurrent refreshes serialise, and the
 * one that waited re-reads `rotated_at` (so it sees the rotation and is treated as a reuse).
 */
export async function findRefreshTokenForUpdate(sql: Tx, tokenHash: string) {
  const [row] = await sql<(SessionRow & { rotated_at: Date | null; session_id: string })[]>`
    select s.*, t.rotated_at, t.session_id from refresh_tokens t join sessions s on s.id = t.session_id
    where t.token_hash = ${tokenHash} for update of s, t`
  return row ?? null
}

/** Marks a token rotated; false if another request rotated it first. */
export async function markRefreshTokenRotated(sql: Tx, tokenHash: string, now: Date): Promise<boolean> {
  const rows = await sql`update refresh_tokens set rotated_at = ${now} where token_hash = ${tokenHash} and rotated_at is null returning session_id`
  return rows.length > 0
}

export async function touchSession(sql: Tx, id: string, ip: string, now: Date) {
  await sql`update sessions set last_used_at = ${now}, ip = ${ip} where id = ${id}`
}

/** Revokes one live session of a user; returns whether it existed and was live. */
export async function revokeSessionRow(sql: Tx, userId: string, sid: string, now: Date): Promise<boolean> {
  const rows = await sql`update sessions set revoked_at = ${now} where id = ${sid} and user_id = ${userId} and revoked_at is null returning id`
  return rows.length > 0
}

/** Revokes every live session of a user (but `exceptSid`); returns the revoked ids. */
export async function revokeUserSessionRows(sql: Tx, userId: string, now: Date, exceptSid?: string): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    update sessions set revoked_at = ${now}
    where user_id = ${userId} and revoked_at is null ${exceptSid ? sql`and id <> ${exceptSid}` : sql``}
    returning id`
  return rows.map((r) => r.id)
}

/** Live sessions, most recently used first, keyset-paginated on (last_used_at, id). */
export async function listLiveSessions(sql: Tx, userId: string, now: Date, limit: number, after?: { at: Date; id: string }) {
  return sql<SessionRow[]>`
    select * from sessions
    where user_id = ${userId} and revoked_at is null and expires_at > ${now}
      ${after ? sql`and (last_used_at, id) < (${after.at}, ${after.id})` : sql``}
    order by last_used_at desc, id desc limit ${limit}`
}

export async function findSession(sql: Tx, sid: string) {
  const [row] = await sql<SessionRow[]>`select * from sessions where id = ${sid}`
  return row ?? null
}

/** The session a refresh token belongs to, if it is `userId`'s. */
export async function findSessionIdOfRefreshToken(sql: Tx, tokenHash: string, userId: string): Promise<string | null> {
  const [row] = await sql<{ session_id: string }[]>`
    select t.session_id from refresh_tokens t join sessions s on s.id = t.session_id
    where t.token_hash = ${tokenHash} and s.user_id = ${userId}`
  return row?.session_id ?? null
}

/**
 * Housekeeping without a scheduler: each login drops its user's sessions that ended (expired or
 * revoked) before `before`, with their refresh tokens (cascade).
 */
export async function deleteEndedSessions(sql: Tx, userId: string, before: Date) {
  await sql`delete from sessions where user_id = ${userId} and (expires_at < ${before} or revoked_at < ${before})`
}

/** Drops a session's refresh tokens rotated before `before` (a replay of one is then just unknown). */
export async function deleteOldRotatedTokens(sql: Tx, sessionId: string, before: Date) {
  await sql`delete from refresh_tokens where session_id = ${sessionId} and rotated_at < ${before}`
}

/** Whether `userId` has an open session last used from `ip` since `since` (a known device). */
export async function hasRecentSessionFromIp(sql: Tx, userId: string, ip: string, since: Date, now: Date): Promise<boolean> {
  const rows = await sql`
    select 1 from sessions
    where user_id = ${userId} and ip = ${ip} and revoked_at is null and expires_at > ${now} and last_used_at > ${since}
    limit 1`
  return rows.length > 0
}
