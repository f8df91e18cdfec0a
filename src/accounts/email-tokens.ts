import type { Tx } from '../platform/db'
import { nowDate } from './clock'
import { randomToken, sha256 } from './secrets'

export type EmailTokenPurpose = 'verify_email' | 'password_reset'
const TTL_SECONDS: Record<EmailTokenPurpose, number> = { verify_email: 24 * 3600, password_reset: 3600 }

/** Creates a single-use token for an email link; only its hash is stored. */
export async function createEmailToken(sql: Tx, userId: string, purpose: EmailTokenPurpose): Promise<string> {
  const token = randomToken()
  const now = nowDate()
  // Housekeeping: the user's expired tokens, and used ones older than a day, go.
  await sql`delete from email_tokens where user_id = ${userId} and (expires_at < ${now} or used_at < ${new Date(now.getTime() - 86_400_000)})`
  await sql`
    insert into email_tokens (token_hash, user_id, purpose, created_at, expires_at)
    values (${sha256(token)}, ${userId}, ${purpose}, ${now}, ${new Date(now.getTime() + TTL_SECONDS[purpose] * 1000)})`
  return token
}

/** Marks the token used and returns its user id, or null when unknown, expired or used. */
export async function consumeEmailToken(sql: Tx, token: string, purpose: EmailTokenPurpose): Promise<string | null> {
  const now = nowDate()
  const [row] = await sql<{ user_id: string }[]>`
    update email_tokens set used_at = ${now}
    where token_hash = ${sha256(token)} and purpose = ${purpose} and used_at is null and expires_at > ${now}
    returning user_id`
  return row?.user_id ?? null
}

/** Voids a user's other outstanding tokens of a purpose (e.g. after a reset). */
export async function voidEmailTokens(sql: Tx, userId: string, purpose: EmailTokenPurpose) {
  await sql`update email_tokens set used_at = ${nowDate()} where user_id = ${userId} and purpose = ${purpose} and used_at is null`
}
