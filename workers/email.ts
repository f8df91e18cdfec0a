import { UnrecoverableError } from 'bullmq'
import { renderTemplate, type EmailJob } from '../src/platform/mail'
import type { Processor } from './types'

/** Renders a compiled template and sends it; an unknown template is a bug, not worth retrying. */
export const processEmail: Processor = async (job, deps) => {
  const data = job.data as EmailJob
  const tpl = deps.mail.templates.get(data.template)
  if (!tpl || typeof data.to !== 'string') throw new UnrecoverableError(`unknown email template or recipient: ${data.template}`)
  const msg = renderTemplate(tpl, data.vars ?? {})
  const info = await deps.mail.transport.sendMail({
    from: deps.mail.from,
    to: data.to,
    subject: msg.subject,
    html: msg.html,
    text: msg.text,
    headers: { 'X-Lyceum-Template': data.template, 'X-Lyceum-Job': String(job.id) },
  })
  return { message_id: info.messageId }
}
