import { UnrecoverableError, type Job } from 'bullmq'
import { renderTemplate, type EmailJob } from '../src/platform/mail'
import type { Processor } from './types'

/** The ledger key of an email job: queue, id and creation time (ids restart if Redis loses its data). */
export const emailLedgerKey = (job: Job) => `email:${job.id}:${job.timestamp}`

/**
 * Renders a compiled template and sends it; an unknown template is a bug, not worth retrying.
 * A job whose mail the SMTP server already accepted (per the `email_sends` ledger) is not sent
 * again: only a crash between acceptance and the ledger write can repeat a mail.
 */
export const processEmail: Processor = async (job, deps) => {
  const data = job.data as EmailJob
  const tpl = deps.mail.templates.get(data.template)
  if (!tpl || typeof data.to !== 'string') throw new UnrecoverableError(`unknown email template or recipient: ${data.template}`)
  const key = emailLedgerKey(job)
  const [sent] = await deps.sql<{ message_id: string | null }[]>`select message_id from email_sends where job_key = ${key}`
  if (sent) {
    deps.log.info('email already sent, not sending again', { job_id: job.id, template: data.template })
    return { message_id: sent.message_id, skipped: true }
  }
  const msg = renderTemplate(tpl, data.vars ?? {})
  const info = await deps.mail.transport.sendMail({
    from: deps.mail.from,
    to: data.to,
    subject: msg.subject,
    html: msg.html,
    text: msg.text,
    headers: { 'X-Lyceum-Template': data.template, 'X-Lyceum-Job': String(job.id) },
  })
  await recordSend(deps, key, data, info.messageId ?? null)
  return { message_id: info.messageId }
}

/** Writes the ledger row; retried briefly, since failing here means the mail goes out again. */
async function recordSend(deps: Parameters<Processor>[1], key: string, data: EmailJob, messageId: string | null) {
  for (let attempt = 1; ; attempt++) {
    try {
      await deps.sql`insert into email_sends (job_key, recipient, template, message_id) values (${key}, ${data.to}, ${data.template}, ${messageId}) on conflict (job_key) do nothing`
      return
    } catch (err) {
      if (attempt >= 5) throw err
      await Bun.sleep(200 * attempt)
    }
  }
}
