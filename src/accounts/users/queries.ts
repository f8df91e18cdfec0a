import type { Tx } from '../../platform/db'
import type { Role } from '../../platform/http/auth'
import { forgetUser } from './cache'

/** A users row as the accounts domain reads it. */
export type UserRow = {
  id: string
  email: string
  password_hash: string | null
  display_name: string
  role: Role
  status: 'active' | 'suspended'
  locale: string
  email_verified_at: Date | null
  avatar_file_id: string | null
  mfa_email_enabled: boolean
  /** A TOTP seed written before SPEC §12 (plaintext), until it is sealed into `totp_secret_enc`. */
  totp_secret: string | null
  /** The TOTP seed sealed with AES-256-GCM (mfa/secret-store.ts). */
  totp_secret_enc: string | null
  totp_enabled_at: Date | null
  created_at: Date
}

export async function findUserById(sql: Tx, id: string): Promise<UserRow | null> {
  const [row] = await sql<UserRow[]>`select * from users where id = ${id}`
  return row ?? null
}

/** Case-insensitive (the column is citext). */
export async function findUserByEmail(sql: Tx, email: string): Promise<UserRow | null> {
  const [row] = await sql<UserRow[]>`select * from users where email = ${email}`
  return row ?? null
}

export async function insertUser(
  sql: Tx,
  u: { email: string; password_hash: string | null; display_name: string; role?: Role; email_verified_at?: Date | null },
): Promise<UserRow> {
  const [row] = await sql<UserRow[]>`
    insert into users (email, password_hash, display_name, role, email_verified_at)
    values (${u.email}, ${u.password_hash}, ${u.display_name}, ${u.role ?? 'student'}, ${u.email_verified_at ?? null})
    returning *`
  return row!
}

type UserPatch = Partial<
  Pick<UserRow, 'password_hash' | 'display_name' | 'role' | 'status' | 'locale' | 'email_verified_at' | 'avatar_file_id' | 'mfa_email_enabled' | 'totp_secret' | 'totp_secret_enc' | 'totp_enabled_at'>
>

/** Updates the given columns (only keys present in `patch`). */
export async function updateUser(sql: Tx, id: string, patch: UserPatch): Promise<UserRow | null> {
  const cols = Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined) as (keyof UserPatch)[]
  if (cols.length === 0) return findUserById(sql, id)
  const [row] = await sql<UserRow[]>`
    update users set ${sql(patch as Record<string, string>, cols as string[])}, updated_at = now() where id = ${id} returning *`
  forgetUser(id)
  return row ?? null
}

/** Turns TOTP on for the (sealed) secret that was confirmed; false if it changed or TOTP is already on. */
export async function enableTotp(sql: Tx, id: string, sealedSecret: string, now: Date): Promise<boolean> {
  const rows = await sql`
    update users set totp_enabled_at = ${now}, updated_at = now()
    where id = ${id} and totp_secret_enc = ${sealedSecret} and totp_enabled_at is null returning id`
  forgetUser(id)
  return rows.length > 0
}
