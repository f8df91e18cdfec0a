import { enforceRateLimits } from '../../platform/http/rate-limit'
import { consumeEmailToken, createEmailToken, voidEmailTokens } from '../email-tokens'
import { accountErrors } from '../errors'
import { limits } from '../limits'
import { appLink, sendAccountMail } from '../mail'
import { assertPasswordAllowed, hashPassword, verifyPassword } from '../passwords/policy'
import { revokeAllSessions } from '../sessions/service'
import type { AccountsDeps, ClientContext } from '../types'
import { findUserByEmail, findUserById, updateUser } from '../users/queries'

export const FORGOT_ANSWER = { message: 'If an account exists for this email, a reset link is on its way' }

/** Emails a 1 h single-use reset link; answers the same whether or not the account exists. */
export async function forgotPassword(deps: AccountsDeps, email: string, ctx: ClientContext) {
  const account = email.trim().toLowerCase()
  await enforceRateLimits(deps, [[limits.forgotIp, ctx.ip], [limits.forgotAccount, account]])
  // Not awaited: the answer must not take longer when the account exists (timing enumeration).
  void mailResetLink(deps, account).catch((err) => deps.log.error('password reset email failed', { error: String((err as Error)?.message ?? err) }))
  return FORGOT_ANSWER
}

async function mailResetLink(deps: AccountsDeps, email: string) {
  const user = await findUserByEmail(deps.sql, email)
  if (!user || user.status !== 'active') return
  const token = await createEmailToken(deps.sql, user.id, 'password_reset')
  await sendAccountMail(deps, 'password_reset', user.email, { display_name: user.display_name, token, link: appLink(deps, '/reset-password', token) })
}

/** Sets a new password from a reset token, then signs the user out everywhere. */
export async function resetPassword(deps: AccountsDeps, token: string, password: string) {
  assertPasswordAllowed(password)
  const password_hash = await hashPassword(password)
  const userId = await deps.sql.begin(async (tx) => {
    const userId = await consumeEmailToken(tx, token, 'password_reset')
    if (!userId) throw accountErrors.invalidToken()
    await updateUser(tx, userId, { password_hash })
    await voidEmailTokens(tx, userId, 'password_reset')
    return userId
  })
  await revokeAllSessions(deps, userId)
}

/** Changes the password; the caller's session stays, every other session is revoked. */
export async function changePassword(deps: AccountsDeps, auth: { userId: string; sid: string }, current: string, password: string) {
  const user = await findUserById(deps.sql, auth.userId)
  if (!user || !(await verifyPassword(current, user.password_hash))) throw accountErrors.wrongPassword()
  assertPasswordAllowed(password)
  const password_hash = await hashPassword(password)
  await deps.sql.begin(async (tx) => {
    await updateUser(tx, user.id, { password_hash })
    // A reset link mailed before the change must not undo it.
    await voidEmailTokens(tx, user.id, 'password_reset')
  })
  await revokeAllSessions(deps, user.id, auth.sid)
}

/** Re-checks the password before a sensitive change (MFA setup/disable). */
export async function assertPassword(deps: Pick<AccountsDeps, 'sql'>, userId: string, password: string) {
  const user = await findUserById(deps.sql, userId)
  if (!user || !(await verifyPassword(password, user.password_hash))) throw accountErrors.wrongPassword()
  return user
}
