import { fileContentUrl } from '../public'
import type { User } from './model'
import type { UserRow } from './queries'

/** The `user` shape of SPEC §3. */
export const toUser = (u: UserRow): User => ({
  id: u.id,
  email: u.email,
  display_name: u.display_name,
  role: u.role,
  status: u.status,
  locale: u.locale,
  email_verified: u.email_verified_at !== null,
  mfa_enabled: u.mfa_email_enabled || u.totp_enabled_at !== null,
  avatar_url: u.avatar_file_id ? fileContentUrl(u.avatar_file_id) : null,
  created_at: u.created_at,
})

/** The MFA methods a login must complete, in the order offered. */
export const mfaMethods = (u: UserRow): ('email' | 'totp')[] => [
  ...(u.mfa_email_enabled ? (['email'] as const) : []),
  ...(u.totp_enabled_at ? (['totp'] as const) : []),
]

/** Whether `email` is listed in ADMIN_EMAILS (already lower-cased by config). */
export const isAdminEmail = (adminEmails: string[], email: string) => adminEmails.includes(email.toLowerCase())
