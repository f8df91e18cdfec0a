import { UnrecoverableError, type Job } from 'bullmq'
import { renderTemplate, type EmailJob } from '../src/platform/mail'
import type { Processor } from './types'

/** The ledger key of an email job: queue, id and creation time (ids restart if Redis loses its data). */
export const emailLedgerKey = (job: Job) => `email:${job.id}:${job.timestamp}`

/** How long the fast mark of a sent mail lives (the durable ledger row outlives it). */
const SENT_MARK_TTL_S = 7 * 24 * 3600

/**
 * Renders a compiled template and sends it; an unknown template is a bug, not worth retrying.
 * A job whose mail the SMTP server already accepted is not sent again. Right after acceptance
 * the send is marked in Redis (one fast round trip, where the job itself lives), then recorded
 * in the `email_sends` ledger (durable): only a crash between the SMTP server's answer and the
 * Redis mark can repeat a mail, a window much shorter than a Postgres commit.
 */
export const processEmail: Processor = async (job, deps) => {
  const data = job.data as EmailJob
  const tpl = deps.mail.templates.get(data.template)
  if (!tpl || typeof data.to !== 'string') throw new UnrecoverableError(`unknown email template or recipient: ${data.template}`)
  const key = emailLedgerKey(job)
  const markKey = deps.keys('email-sent', key)
  const [sent] = await deps.sql<{ message_id: string | null }[]>`select message_id from email_sends where job_key = ${key}`
  const marked = sent ? null : await deps.redis.get(markKey)
  if (sent || marked !== null) {
    deps.log.info('email already sent, not sending again', { job_id: job.id, template: data.template })
    return { message_id: sent ? sent.message_id : marked || null, skipped: true }
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
  // Best effort: if Redis does not answer, the durable row below still records the send.
  await deps.redis.set(markKey, info.messageId ?? '', { EX: SENT_MARK_TTL_S }).catch(() => {})
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
