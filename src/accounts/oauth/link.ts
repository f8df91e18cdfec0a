import type { Tx } from '../../platform/db'
import { writeEvent } from '../../platform/outbox'
import { sendVerification } from '../auth/service'
import { nowDate } from '../clock'
import { accountErrors } from '../errors'
import { sendAccountMail } from '../mail'
import { deleteRecoveryCodes } from '../mfa/codes'
import { revokeAllSessions } from '../sessions/service'
import type { AccountsDeps } from '../types'
import { isAdminEmail } from '../users/present'
import { findUserByEmail, findUserById, insertUser, updateUser, type UserRow } from '../users/queries'
import type { Provider } from './providers'
import { findIdentityUserId, insertIdentity } from './queries'

/** What we take from a validated ID token. */
export type ProviderIdentity = { provider: Provider; subject: string; email: string | null; emailVerified: boolean; name: string | null }

/** A provider-verified email marks the account verified (and promotes ADMIN_EMAILS accounts). */
async function markVerified(deps: AccountsDeps, sql: Parameters<typeof updateUser>[0], user: UserRow, id: ProviderIdentity) {
  if (user.email_verified_at || !id.emailVerified || id.email?.toLowerCase() !== user.email.toLowerCase()) return user
  const role = isAdminEmail(deps.config.adminEmails, user.email) ? 'admin' : undefined
  return (await updateUser(sql, user.id, { email_verified_at: nowDate(), role }))!
}

/**
 * Linking a provider-verified email to an account whose email was never verified: every
 * credential set by whoever registered it is dropped (pre-registration account takeover) — the
 * password, the MFA factors and the recovery codes (their sessions end after the commit). The
 * owner can set a password with "forgot password" and enrol MFA again.
 */
async function resetUnprovenCredentials(tx: Tx, userId: string) {
  await deleteRecoveryCodes(tx, userId)
  await updateUser(tx, userId, { password_hash: null, mfa_email_enabled: false, totp_secret: null, totp_secret_enc: null, totp_enabled_at: null })
}

/**
 * Finds the user of a provider identity, links it to the account with the same email (only
 * when the provider says the email is verified), or creates a new account.
 */
export async function findOrCreateOAuthUser(deps: AccountsDeps, id: ProviderIdentity): Promise<UserRow> {
  const created = await deps.sql.begin(async (tx) => {
    const linkedId = await findIdentityUserId(tx, id.provider, id.subject)
    const linked = linkedId ? await findUserById(tx, linkedId) : null
    if (linked) return { user: await markVerified(deps, tx, linked, id), isNew: false, takeover: false }
    if (!id.email) throw accountErrors.oauthFailed('The provider did not share an email address')
    const existing = await findUserByEmail(tx, id.email)
    if (existing && !id.emailVerified) throw accountErrors.emailUnverifiedConflict()
    const user =
      existing ??
      (await insertUser(tx, {
        email: id.email,
        password_hash: null,
        display_name: (id.name?.trim() || id.email.split('@')[0]!).slice(0, 100),
        email_verified_at: id.emailVerified ? nowDate() : null,
        role: id.emailVerified && isAdminEmail(deps.config.adminEmails, id.email) ? 'admin' : 'student',
      }))
    await insertIdentity(tx, { provider: id.provider, subject: id.subject, user_id: user.id, email: id.email })
    if (!existing) await writeEvent(tx, 'user.registered', { user_id: user.id })
    const takeover = !!existing && !existing.email_verified_at
    if (takeover) await resetUnprovenCredentials(tx, existing.id)
    return { user: existing ? await markVerified(deps, tx, takeover ? (await findUserById(tx, existing.id))! : existing, id) : user, isNew: !existing, takeover }
  })
  // Whoever registered the unverified account never proved the address: their sessions end.
  if (created.takeover) await revokeAllSessions(deps, created.user.id)
  if (created.isNew) {
    const u = created.user
    await sendAccountMail(deps, 'welcome', u.email, { display_name: u.display_name, app_url: deps.config.APP_URL }, `welcome-${u.id}`)
    if (!u.email_verified_at) await sendVerification(deps, u)
  }
  return created.user
}
