/**
 * How MFA secrets are stored (SPEC §12): TOTP seeds sealed with AES-256-GCM under
 * DATA_ENCRYPTION_KEY, bound to their user; recovery codes as HMAC-SHA256 under a key derived
 * from it. Rows from before (plaintext seed in `totp_secret`, plain SHA-256 recovery codes) are
 * read as they are and sealed on first use and by the start-up pass `sealLegacyMfaSecrets`.
 */
import { createHmac } from 'node:crypto'
import type { Config } from '../../platform/config'
import { dataKeyOf, deriveKey, open, seal } from '../../platform/crypto'
import type { Tx } from '../../platform/db'
import { sha256 } from '../secrets'
import type { AccountsDeps } from '../types'
import { forgetUser } from '../users/cache'
import type { UserRow } from '../users/queries'

type Keys = { data: Buffer; recovery: Buffer }
const cache = new WeakMap<object, Keys>()
function keysOf(config: Config): Keys {
  let k = cache.get(config)
  if (!k) {
    const data = dataKeyOf(config)
    k = { data, recovery: deriveKey(data, 'recovery-codes') }
    cache.set(config, k)
  }
  return k
}

const aad = (userId: string) => `users.totp_secret:${userId}`

/** The sealed form of a TOTP seed for `userId`. */
export const sealTotpSecret = (config: Config, userId: string, secret: string) => seal(keysOf(config).data, secret, aad(userId))

/** Seals a legacy plaintext seed in place (only if the row still holds that seed). */
async function sealLegacySeed(sql: Tx, config: Config, userId: string, plain: string): Promise<string | null> {
  const sealed = sealTotpSecret(config, userId, plain)
  const rows = await sql`update users set totp_secret_enc = ${sealed}, totp_secret = null where id = ${userId} and totp_secret = ${plain} returning id`
  forgetUser(userId)
  return rows.length ? sealed : null
}

/**
 * The user's TOTP seed and its stored sealed form, or null when there is none or it cannot be
 * opened (another DATA_ENCRYPTION_KEY: logged, and no code matches). A legacy plaintext seed is
 * sealed on this first read.
 */
export async function totpSecretOf(
  deps: Pick<AccountsDeps, 'sql' | 'config' | 'log'>,
  user: Pick<UserRow, 'id' | 'totp_secret' | 'totp_secret_enc'>,
): Promise<{ secret: string; sealed: string } | null> {
  if (user.totp_secret_enc) {
    try {
      return { secret: open(keysOf(deps.config).data, user.totp_secret_enc, aad(user.id)), sealed: user.totp_secret_enc }
    } catch (err) {
      deps.log.error('TOTP secret cannot be opened', { user_id: user.id, error: (err as Error).message })
      return null
    }
  }
  if (!user.totp_secret) return null
  const sealed = await sealLegacySeed(deps.sql, deps.config, user.id, user.totp_secret)
  return sealed ? { secret: user.totp_secret, sealed } : null
}

/** The stored hash of a (normalised) recovery code, and the plain SHA-256 of rows written before. */
export const recoveryCodeHash = (config: Config, normalized: string) => createHmac('sha256', keysOf(config).recovery).update(sha256(normalized)).digest('hex')
export const legacyRecoveryCodeHash = (normalized: string) => sha256(normalized)

const BATCH = 500

/**
 * Seals every legacy plaintext TOTP seed and turns every legacy recovery-code hash into a keyed
 * one (HMAC of the stored SHA-256, so the codes themselves are not needed). Idempotent and safe
 * to run from several replicas at once; the API runs it at start-up.
 */
export async function sealLegacyMfaSecrets(deps: Pick<AccountsDeps, 'sql' | 'config'>): Promise<{ totp: number; recovery_codes: number }> {
  let totp = 0
  let after = '00000000-0000-0000-0000-000000000000'
  for (;;) {
    const rows = await deps.sql<{ id: string; totp_secret: string }[]>`
      select id, totp_secret from users where totp_secret is not null and id > ${after} order by id limit ${BATCH}`
    for (const r of rows) if (await sealLegacySeed(deps.sql, deps.config, r.id, r.totp_secret)) totp++
    if (rows.length < BATCH) break
    after = rows[rows.length - 1]!.id
  }
  const keyed = await deps.sql`
    update recovery_codes set code_hash = encode(hmac(convert_to(code_hash, 'UTF8'), ${keysOf(deps.config).recovery}, 'sha256'), 'hex'), keyed = true
    where not keyed returning user_id`
  return { totp, recovery_codes: keyed.length }
}
