import { now, nowDate } from '../clock'
import { accountErrors } from '../errors'
import { assertPassword } from '../password/service'
import { sixDigitCode } from '../secrets'
import type { AccountsDeps } from '../types'
import { toUser } from '../users/present'
import { enableTotp, findUserById, updateUser, type UserRow } from '../users/queries'
import { CHALLENGE_TTL_SECONDS, MAX_CODE_ATTEMPTS, emailCode } from './challenge'
import { takeAttempt } from './attempts'
import { assertEmailCodeSlot } from './limits'
import { sealTotpSecret, totpSecretOf } from './secret-store'
import { deleteRecoveryCodes, checkSecondFactor, checkTotp, codeHash, codeMatches, newTotpSecret, replaceRecoveryCodes, totpFor } from './codes'

// The emailed code of a signed-in user (enabling email MFA, or proving a factor to disable MFA).
const userCodeKey = (deps: Pick<AccountsDeps, 'keys'>, userId: string) => deps.keys('acct', 'mfa-user-code', userId)

/** Emails a 6-digit code to the signed-in user (after re-checking the password; 1 per 60 s, 5 per hour). */
export async function startEmailMfa(deps: AccountsDeps, userId: string, password: string) {
  const user = await assertPassword(deps, userId, password)
  await assertEmailCodeSlot(deps, user.id)
  const code = sixDigitCode()
  const key = userCodeKey(deps, user.id)
  await deps.redis.hSet(key, { code_hash: codeHash(user.id, code), expires_at: String(now() + CHALLENGE_TTL_SECONDS * 1000), attempts: '0' })
  await deps.redis.expire(key, CHALLENGE_TTL_SECONDS + 60)
  await emailCode(deps, user, code)
  return { message: 'A code was emailed; confirm it to finish' }
}

/** The live emailed code of a user, if any (expired codes count as absent). */
async function userCode(deps: AccountsDeps, userId: string) {
  const rec = await deps.redis.hGetAll(userCodeKey(deps, userId))
  return rec.code_hash && Number(rec.expires_at) > now() ? rec.code_hash : undefined
}

/** Reserves an attempt at the user's emailed code (5 at most); undefined hash when none is left. */
async function userCodeAttempt(deps: AccountsDeps, userId: string) {
  const hash = await userCode(deps, userId)
  if (!hash) return { hash: undefined, last: false }
  const n = await takeAttempt(deps, userCodeKey(deps, userId), MAX_CODE_ATTEMPTS, 'code_hash')
  return n === null ? { hash: undefined, last: false } : { hash, last: n >= MAX_CODE_ATTEMPTS }
}

/** A wrong code: the 5th kills the emailed code. */
async function failUserCode(deps: AccountsDeps, userId: string, last: boolean): Promise<never> {
  if (last) await deps.redis.del(userCodeKey(deps, userId))
  throw accountErrors.invalidCode()
}

export async function confirmEmailMfa(deps: AccountsDeps, userId: string, code: string) {
  const { hash, last } = await userCodeAttempt(deps, userId)
  if (!codeMatches(userId, code, hash)) return failUserCode(deps, userId, last)
  await deps.redis.del(userCodeKey(deps, userId))
  const user = await updateUser(deps.sql, userId, { mfa_email_enabled: true })
  return { user: toUser(user!) }
}

/** Stores a pending TOTP secret (replacing an unconfirmed one) and returns it for the authenticator app. */
export async function setupTotp(deps: AccountsDeps, userId: string, password: string) {
  const user = await assertPassword(deps, userId, password)
  if (user.totp_enabled_at) throw accountErrors.mfaAlreadyEnabled()
  const secret = newTotpSecret()
  await updateUser(deps.sql, user.id, { totp_secret_enc: sealTotpSecret(deps.config, user.id, secret), totp_secret: null })
  return { secret, otpauth_url: totpFor(secret, user.email).toString() }
}

/** Turns TOTP on with a first valid code and returns 10 single-use recovery codes. */
export async function confirmTotp(deps: AccountsDeps, userId: string, code: string) {
  const user = await assertUser(deps, userId)
  if (user.totp_enabled_at) throw accountErrors.mfaAlreadyEnabled()
  const stored = await totpSecretOf(deps, user)
  if (!stored) throw accountErrors.mfaSetupRequired()
  if (!(await checkTotp(deps, user, stored.secret, code, false))) throw accountErrors.invalidCode()
  const recovery_codes = await deps.sql.begin(async (tx) => {
    // Conditional: a concurrent confirm or a new setup in between must not enable a secret twice or unseen.
    if (!(await enableTotp(tx, user.id, stored.sealed, nowDate()))) throw accountErrors.mfaAlreadyEnabled()
    return replaceRecoveryCodes(tx, deps.config, user.id)
  })
  return { recovery_codes }
}

/** Turns every MFA method off; needs the password and a second factor (TOTP, recovery or emailed code). */
export async function disableMfa(deps: AccountsDeps, userId: string, password: string, code: string) {
  const user = await assertPassword(deps, userId, password)
  const { hash, last } = await userCodeAttempt(deps, userId)
  const ok = await checkSecondFactor(deps, user, code, { context: userId, hash })
  if (!ok) return failUserCode(deps, userId, last)
  await deps.redis.del(userCodeKey(deps, userId))
  const updated = await deps.sql.begin(async (tx) => {
    await deleteRecoveryCodes(tx, userId)
    return updateUser(tx, userId, { mfa_email_enabled: false, totp_secret: null, totp_secret_enc: null, totp_enabled_at: null })
  })
  return { user: toUser(updated!) }
}

async function assertUser(deps: AccountsDeps, userId: string): Promise<UserRow> {
  const user = await findUserById(deps.sql, userId)
  if (!user) throw accountErrors.invalidCode()
  return user
}
