import { Secret, TOTP } from 'otpauth'
import { randomBytes } from 'node:crypto'
import type { Config } from '../../platform/config'
import type { Tx } from '../../platform/db'
import { now, nowDate } from '../clock'
import { sameHash, sha256 } from '../secrets'
import { legacyRecoveryCodeHash, recoveryCodeHash, totpSecretOf } from './secret-store'
import type { AccountsDeps } from '../types'
import type { UserRow } from '../users/queries'

const TOTP_PERIOD = 30

export const newTotpSecret = () => new Secret({ size: 20 }).base32

export const totpFor = (secretBase32: string, label: string) =>
  new TOTP({ issuer: 'Lyceum', label, algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD, secret: Secret.fromBase32(secretBase32) })

/**
 * Checks a TOTP code (±1 step) against the user's seed and burns its time step for this user
 * so a code seen once (e.g. over a shoulder) cannot be replayed within its validity. Enrolment
 * (`burn = false`) only proves the app is set up, so its code may still complete the next login.
 */
export async function checkTotp(deps: Pick<AccountsDeps, 'redis' | 'keys'>, user: Pick<UserRow, 'id' | 'email'>, secret: string | undefined, code: string, burn = true) {
  if (!secret || !/^\d{6}$/.test(code)) return false
  const at = now()
  const delta = totpFor(secret, user.email).validate({ token: code, timestamp: at, window: 1 })
  if (delta === null) return false
  if (!burn) return true
  const step = Math.floor(at / 1000 / TOTP_PERIOD) + delta
  const fresh = await deps.redis.set(deps.keys('acct', 'totp-used', user.id, step), '1', { NX: true, EX: TOTP_PERIOD * 4 })
  return fresh === 'OK'
}

/** A code hash bound to its context (challenge or user), so equal codes never share a hash. */
export const codeHash = (context: string, code: string) => sha256(`${context}:${code.trim()}`)
export const codeMatches = (context: string, code: string, hash: string | undefined) => !!hash && sameHash(codeHash(context, code), hash)

const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789'
const normalizeRecovery = (code: string) => code.toLowerCase().replace(/[\s-]/g, '')

/** Ten fresh recovery codes like `k3x9q-7hmwp` (50 bits each); only keyed hashes are kept. */
export async function replaceRecoveryCodes(sql: Tx, config: Config, userId: string): Promise<string[]> {
  const codes = Array.from({ length: 10 }, () => {
    const raw = [...randomBytes(10)].map((b) => ALPHABET[b % ALPHABET.length]).join('')
    return `${raw.slice(0, 5)}-${raw.slice(5)}`
  })
  await deleteRecoveryCodes(sql, userId)
  const rows = codes.map((c) => ({ user_id: userId, code_hash: recoveryCodeHash(config, normalizeRecovery(c)), keyed: true }))
  await sql`insert into recovery_codes ${sql(rows)}`
  return codes
}

/** Uses a recovery code once (keyed hash, or the plain SHA-256 of a row not yet keyed); false if unknown or already used. */
export async function consumeRecoveryCode(sql: Tx, config: Config, userId: string, code: string): Promise<boolean> {
  const norm = normalizeRecovery(code)
  if (norm.length !== 10) return false
  const rows = await sql`
    update recovery_codes set used_at = ${nowDate()}
    where user_id = ${userId} and used_at is null
      and ((keyed and code_hash = ${recoveryCodeHash(config, norm)}) or (not keyed and code_hash = ${legacyRecoveryCodeHash(norm)}))
    returning user_id`
  return rows.length > 0
}

/**
 * Whether `code` completes a second factor for `user`: the emailed code (when `emailCode`
 * names the stored one), a TOTP code, or an unused recovery code.
 */
export async function checkSecondFactor(
  deps: Pick<AccountsDeps, 'sql' | 'redis' | 'keys' | 'config' | 'log'>,
  user: UserRow,
  code: string,
  emailCode?: { context: string; hash: string | undefined },
): Promise<boolean> {
  const c = code.trim()
  if (emailCode && /^\d{6}$/.test(c) && codeMatches(emailCode.context, c, emailCode.hash)) return true
  if (!user.totp_enabled_at) return false
  if (await checkTotp(deps, user, (await totpSecretOf(deps, user))?.secret, c)) return true
  if (await consumeRecoveryCode(deps.sql, deps.config, user.id, c)) return true
  return false
}

export async function deleteRecoveryCodes(sql: Tx, userId: string) {
  await sql`delete from recovery_codes where user_id = ${userId}`
}
