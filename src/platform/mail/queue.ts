import type { Queues } from '../queues'

/**
 * The producer side of email: what API processes need to queue a message. Kept apart from
 * `./index` (MJML compilation, SMTP) so that they never load the renderer or the transport.
 */
export type MailVars = Record<string, string | number>
/** Payload of an `email` job. */
export type EmailJob = { template: string; to: string; vars: MailVars }

/** Queues an email; `jobId` makes a retried producer harmless. */
export async function enqueueEmail(queues: Pick<Queues, 'email'>, job: EmailJob, jobId?: string) {
  await queues.email.add(job.template, job, jobId ? { jobId } : undefined)
}
