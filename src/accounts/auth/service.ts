import { isUniqueViolation } from '../../platform/db'
import { httpErrors } from '../../platform/http/errors'
import { enforceRateLimits, refundRateLimit, resetRateLimit, takeRateLimit } from '../../platform/http/rate-limit'
import { writeEvent } from '../../platform/outbox'
import { nowDate } from '../clock'
import { isKnownDevice, rememberDevice } from '../devices'
import { consumeEmailToken, createEmailToken } from '../email-tokens'
import { accountErrors } from '../errors'
import { credentialLimits, limits } from '../limits'
import { appLink, sendAccountMail } from '../mail'
import { completeLogin, type LoginResult } from '../mfa/challenge'
import { assertPasswordAllowed, hashPassword, verifyPassword } from '../passwords/policy'
import { sha256 } from '../secrets'
import { findSessionIdOfRefreshToken } from '../sessions/queries'
import { openSession, revokeAllSessions, revokeSession } from '../sessions/service'
import type { AccountsDeps, ClientContext } from '../types'
import { isAdminEmail, toUser } from '../users/present'
import { findUserByEmail, findUserById, insertUser, updateUser, type UserRow } from '../users/queries'

/** Queues the welcome email and a fresh 24 h verification link. */
export async function sendVerification(deps: AccountsDeps, user: UserRow) {
  const token = await createEmailToken(deps.sql, user.id, 'verify_email')
  await sendAccountMail(deps, 'verify_email', user.email, { display_name: user.display_name, token, link: appLink(deps, '/verify-email', token) })
}

export async function register(deps: AccountsDeps, body: { email: string; password: string; display_name: string }, ctx: ClientContext) {
  await enforceRateLimits(deps, [[limits.registerIp, ctx.ip]])
  assertPasswordAllowed(body.password)
  const password_hash = await hashPassword(body.password)
  const { user, tokens } = await deps.sql
    .begin(async (tx) => {
      const user = await insertUser(tx, { email: body.email.trim().toLowerCase(), password_hash, display_name: body.display_name.trim() })
      await writeEvent(tx, 'user.registered', { user_id: user.id })
      return { user, tokens: await openSession(deps, user, ctx, tx) }
    })
    .catch((err) => {
      throw isUniqueViolation(err) ? accountErrors.emailTaken() : err
    })
  await sendAccountMail(deps, 'welcome', user.email, { display_name: user.display_name, app_url: deps.config.APP_URL }, `welcome-${user.id}`)
  await sendVerification(deps, user)
  return { user: toUser(user), tokens }
}

/**
 * Password login. Unknown emails, password-less (OAuth-only) accounts and wrong passwords all
 * spend one argon2 verification and give the same 401. Only failures count against the limits
 * (SPEC §12): each try reserves a unit per (account, IP) and per account before the password is
 * checked (so parallel guesses cannot overshoot) and a success gives them back. Devices that
 * signed in to the account before skip the per-account limit, so the owner is never locked out.
 * `device` is the id for the device cookie when tokens were issued.
 */
export async function login(deps: AccountsDeps, body: { email: string; password: string }, ctx: ClientContext): Promise<{ result: LoginResult; device?: string }> {
  const account = body.email.trim().toLowerCase()
  await enforceRateLimits(deps, [[limits.loginIp, ctx.ip]])
  const rules = credentialLimits(deps.config)
  const pair = `${account}|${ctx.ip}`
  const pairTake = await takeRateLimit(deps, rules.loginFailuresAccountIp, pair)
  if (!pairTake.allowed) throw httpErrors.rateLimited(pairTake.retryAfterSeconds)
  const user = await findUserByEmail(deps.sql, account)
  const accountTake = await takeRateLimit(deps, rules.loginFailuresAccount, account)
  if (!accountTake.allowed && !(user && (await isKnownDevice(deps, user.id, ctx)))) {
    await refundRateLimit(deps, rules.loginFailuresAccountIp, pair)
    throw httpErrors.rateLimited(accountTake.retryAfterSeconds)
  }
  const ok = await verifyPassword(body.password, user?.password_hash)
  if (!user || !ok) throw accountErrors.invalidCredentials()
  await resetRateLimit(deps, rules.loginFailuresAccountIp, pair)
  if (accountTake.allowed) await refundRateLimit(deps, rules.loginFailuresAccount, account)
  const result = await completeLogin(deps, user, ctx)
  return { result, device: 'tokens' in result ? await rememberDevice(deps, user.id, ctx) : undefined }
}

/** Marks the email verified; ADMIN_EMAILS accounts become admins at this moment. */
export async function verifyEmail(deps: AccountsDeps, token: string) {
  const user = await deps.sql.begin(async (tx) => {
    const userId = await consumeEmailToken(tx, token, 'verify_email')
    if (!userId) throw accountErrors.invalidToken()
    const current = await findUserById(tx, userId)
    if (!current) throw accountErrors.invalidToken()
    return updateUser(tx, userId, {
      email_verified_at: current.email_verified_at ?? nowDate(),
      role: isAdminEmail(deps.config.adminEmails, current.email) ? 'admin' : undefined,
    })
  })
  return { user: toUser(user!) }
}

export async function resendVerification(deps: AccountsDeps, userId: string) {
  await enforceRateLimits(deps, [[limits.resendAccount, userId]])
  const user = await findUserById(deps.sql, userId)
  if (user && !user.email_verified_at) await sendVerification(deps, user)
  return { message: 'If the email is not verified yet, a new verification email is on its way' }
}

/** Ends the caller's session (and the one of `refreshToken`, if it is the caller's). */
export async function logout(deps: AccountsDeps, auth: { userId: string; sid: string }, refreshToken?: string) {
  await revokeSession(deps, auth.userId, auth.sid)
  if (!refreshToken) return
  const sid = await findSessionIdOfRefreshToken(deps.sql, sha256(refreshToken), auth.userId)
  if (sid && sid !== auth.sid) await revokeSession(deps, auth.userId, sid)
}

export const logoutAll = (deps: AccountsDeps, userId: string) => revokeAllSessions(deps, userId)
