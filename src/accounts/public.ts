/**
 * What other domains may ask of accounts. Other users appear only as the public shape
 * `{id, display_name, avatar_url}` — never their email.
 */
import { t } from 'elysia'
import type { Tx } from '../platform/db'

/** Drops a user's cached profile in this process (after another domain changed their row, e.g. cleared the avatar). */
export { forgetUser as forgetUserProfile } from './users/cache'

export const PublicUser = t.Object({ id: t.String({ format: 'uuid' }), display_name: t.String(), avatar_url: t.Nullable(t.String()) }, { title: 'PublicUser' })
export type PublicUser = typeof PublicUser.static

/** The stable API URL of a stored file (files are served by the files domain). */
export const fileContentUrl = (fileId: string) => `/api/v1/files/${fileId}/content`

export const toPublicUser = (row: { id: string; display_name: string; avatar_file_id: string | null }): PublicUser => ({
  id: row.id,
  display_name: row.display_name,
  avatar_url: row.avatar_file_id ? fileContentUrl(row.avatar_file_id) : null,
})

/** Public shapes of the given users, keyed by id (unknown ids are absent). */
export async function findPublicUsers(sql: Tx, ids: string[]): Promise<Map<string, PublicUser>> {
  if (ids.length === 0) return new Map()
  const rows = await sql<{ id: string; display_name: string; avatar_file_id: string | null }[]>`
    select id, display_name, avatar_file_id from users where id = any(${[...new Set(ids)]}::uuid[])`
  return new Map(rows.map((r) => [r.id, toPublicUser(r)]))
}

/** Who to email and how to greet them (for notifications sent by other domains). */
export async function findUserContact(sql: Tx, id: string) {
  const [row] = await sql<{ id: string; email: string; display_name: string; locale: string; role: string; status: string }[]>`
    select id, email, display_name, locale, role, status from users where id = ${id}`
  return row ?? null
}

/** The ids among `ids` that are existing, active users. */
export async function findActiveUserIds(sql: Tx, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  const rows = await sql<{ id: string }[]>`select id from users where id = any(${[...new Set(ids)]}::uuid[]) and status = 'active'`
  return new Set(rows.map((r) => r.id))
}

/** Users in total and per role, for GET /admin/stats. */
export async function countUsersByRole(sql: Tx): Promise<{ total: number; by_role: Record<'student' | 'instructor' | 'admin', number> }> {
  const rows = await sql<{ role: 'student' | 'instructor' | 'admin'; n: number }[]>`select role, count(*)::int as n from users group by role`
  const by_role = { student: 0, instructor: 0, admin: 0 }
  for (const r of rows) by_role[r.role] = r.n
  return { total: rows.reduce((a, r) => a + r.n, 0), by_role }
}

/** Start-up step: seals TOTP seeds and keys recovery codes written before SPEC §12 (idempotent). */
export { sealLegacyMfaSecrets } from './mfa/secret-store'
