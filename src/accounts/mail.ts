import { enqueueEmail, type MailVars } from '../platform/mail/queue'
import type { AccountsDeps } from './types'

export type AccountTemplate = 'welcome' | 'verify_email' | 'password_reset' | 'mfa_code'

/** Queues one of the accounts emails (sent by the worker; retried there). */
export async function sendAccountMail(deps: Pick<AccountsDeps, 'queues'>, template: AccountTemplate, to: string, vars: MailVars, jobId?: string) {
  await enqueueEmail(deps.queues, { template, to, vars }, jobId)
}

/** A link into the client app carrying a one-time token. */
export const appLink = (deps: Pick<AccountsDeps, 'config'>, path: string, token: string) =>
  `${deps.config.APP_URL}${path}?token=${encodeURIComponent(token)}`
