import { signTypedToken, verifyTypedToken } from '../../platform/http/auth'
import { httpErrors } from '../../platform/http/errors'
import { enforceRateLimits } from '../../platform/http/rate-limit'
import { now } from '../clock'
import { rememberDevice } from '../devices'
import { accountErrors } from '../errors'
import { limits } from '../limits'
import { sendAccountMail } from '../mail'
import { randomToken, sixDigitCode } from '../secrets'
import { openSession, type Tokens } from '../sessions/service'
import type { AccountsDeps, ClientContext } from '../types'
import { toUser, mfaMethods } from '../users/present'
import type { User } from '../users/model'
import { findUserById, type UserRow } from '../users/queries'
import { takeAttempt } from './attempts'
import { checkSecondFactor, codeHash } from './codes'
import { assertMfaNotLocked, recordFailedChallenge, takeEmailCodeSlot } from './limits'

export const CHALLENGE_TTL_SECONDS = 600
export const MAX_CODE_ATTEMPTS = 5

export type MfaChallenge = { mfa_required: true; challenge_token: string; methods: ('email' | 'totp')[] }
export type LoginResult = { user: User; tokens: Tokens } | MfaChallenge

const challengeKey = (deps: Pick<AccountsDeps, 'keys'>, cid: string) => deps.keys('acct', 'mfa-challenge', cid)

/** Emails a fresh 6-digit code valid for CHALLENGE_TTL_SECONDS to `user`. */
export async function emailCode(deps: Pick<AccountsDeps, 'queues'>, user: UserRow, code: string) {
  await sendAccountMail(deps, 'mfa_code', user.email, { display_name: user.display_name, code, minutes: CHALLENGE_TTL_SECONDS / 60 })
}

/**
 * Starts the second step of a login: a signed `mfa_challenge` token naming a server-side
 * record (Redis) that holds the emailed code's hash, its expiry and the wrong-code count.
 * Refused (429) while the account's MFA is locked. When no code may be emailed yet (1 per
 * 60 s, 5 per hour), a TOTP user is offered TOTP only; an email-only user gets 429.
 */
export async function startChallenge(deps: AccountsDeps, user: UserRow): Promise<MfaChallenge> {
  await assertMfaNotLocked(deps, user.id)
  let methods = mfaMethods(user)
  if (methods.includes('email')) {
    const wait = await takeEmailCodeSlot(deps, user.id)
    if (wait > 0 && !methods.includes('totp')) throw httpErrors.rateLimited(wait / 1000)
    if (wait > 0) methods = ['totp']
  }
  const cid = randomToken(16)
  const code = methods.includes('email') ? sixDigitCode() : undefined
  const key = challengeKey(deps, cid)
  await deps.redis.hSet(key, {
    user_id: user.id,
    code_hash: code ? codeHash(cid, code) : '',
    expires_at: String(now() + CHALLENGE_TTL_SECONDS * 1000),
    attempts: '0',
  })
  await deps.redis.expire(key, CHALLENGE_TTL_SECONDS + 60)
  if (code) await emailCode(deps, user, code)
  const challenge_token = await signTypedToken(deps.config.JWT_SECRET, 'mfa_challenge', user.id, CHALLENGE_TTL_SECONDS, { cid, methods })
  return { mfa_required: true, challenge_token, methods }
}

/** Either tokens for a new session or, for MFA users, the challenge. */
export async function completeLogin(deps: AccountsDeps, user: UserRow, ctx: ClientContext): Promise<LoginResult> {
  if (user.status !== 'active') throw accountErrors.suspended()
  if (mfaMethods(user).length) return startChallenge(deps, user)
  return { user: toUser(user), tokens: await openSession(deps, user, ctx) }
}

/**
 * Completes a challenge with an emailed, TOTP or recovery code; the 5th wrong code kills it and
 * counts towards the account's lockout. `device` is the id for the device cookie.
 */
export async function verifyChallenge(deps: AccountsDeps, token: string, code: string, ctx: ClientContext) {
  await enforceRateLimits(deps, [[limits.mfaIp, ctx.ip]])
  const payload = await verifyTypedToken(deps.config.JWT_SECRET, token, 'mfa_challenge', 'challenge_expired', 'challenge_expired')
  const cid = typeof payload.cid === 'string' ? payload.cid : ''
  await assertMfaNotLocked(deps, payload.sub)
  await enforceRateLimits(deps, [[limits.mfaAccount, payload.sub]])
  const key = challengeKey(deps, cid)
  const rec = await deps.redis.hGetAll(key)
  if (!rec.user_id || rec.user_id !== payload.sub || Number(rec.expires_at) <= now()) throw accountErrors.challengeExpired()
  const user = await findUserById(deps.sql, rec.user_id)
  if (!user) throw accountErrors.challengeExpired()
  const attempt = await takeAttempt(deps, key, MAX_CODE_ATTEMPTS, 'user_id')
  if (attempt === null) throw accountErrors.challengeExpired()
  const ok = await checkSecondFactor(deps, user, code, { context: cid, hash: rec.code_hash || undefined })
  if (!ok) {
    if (attempt >= MAX_CODE_ATTEMPTS) {
      await deps.redis.del(key)
      await recordFailedChallenge(deps, user.id)
    }
    throw accountErrors.invalidCode()
  }
  // Single use: of two concurrent right answers only the one that deletes the record wins.
  if ((await deps.redis.del(key)) !== 1) throw accountErrors.challengeExpired()
  if (user.status !== 'active') throw accountErrors.suspended()
  const result = { user: toUser(user), tokens: await openSession(deps, user, ctx) }
  return { result, device: await rememberDevice(deps, user.id, ctx) }
}
