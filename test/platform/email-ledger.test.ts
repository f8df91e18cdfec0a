/**
 * Crash safety (SPEC §13): an email job re-run after the SMTP server accepted its mail sends
 * nothing new — the send is recorded in a ledger keyed by the job right after acceptance.
 */
import { expect, test } from 'bun:test'
import { smtp, testApp, testWorkers, waitFor } from '../helpers/app'
import { enqueueEmail } from '../../src/platform/mail/queue'

test('a completed email job run again (same job) does not send the mail a second time', async () => {
  const { deps } = await testApp()
  await testWorkers()
  const to = `ledger-${crypto.randomUUID()}@example.test`
  const jobId = `ledger-${crypto.randomUUID()}`
  await enqueueEmail(deps.queues, { template: 'welcome', to, vars: { display_name: 'Ada', app_url: 'https://lyceum.example' } }, jobId)
  await smtp().waitFor(to)
  const job = (await deps.queues.email.getJob(jobId))!
  await waitFor(async () => (await job.getState()) === 'completed', { what: 'first run completed' })

  // The same job runs again, as it would after a worker died between SMTP acceptance and completion.
  await job.retry('completed')
  await waitFor(async () => (await deps.queues.email.getJob(jobId))?.finishedOn !== job.finishedOn && (await job.getState()) === 'completed', { what: 'second run completed' })
  const rerun = (await deps.queues.email.getJob(jobId))!
  expect(rerun.returnvalue).toMatchObject({ skipped: true })
  expect(smtp().messagesTo(to)).toHaveLength(1)
  const [row] = await deps.sql<{ recipient: string }[]>`select recipient from email_sends where job_key like ${'email:' + jobId + ':%'}`
  expect(row?.recipient).toBe(to)
})

test('a send marked only in Redis (killed before the ledger row was written) is not repeated', async () => {
  const { deps } = await testApp()
  await testWorkers()
  const to = `ledger-mark-${crypto.randomUUID()}@example.test`
  const jobId = `ledger-mark-${crypto.randomUUID()}`
  await enqueueEmail(deps.queues, { template: 'welcome', to, vars: { display_name: 'Ada', app_url: 'https://lyceum.example' } }, jobId)
  await smtp().waitFor(to)
  const job = (await deps.queues.email.getJob(jobId))!
  await waitFor(async () => (await job.getState()) === 'completed', { what: 'first run completed' })
  // The state a kill right after the SMTP server's 250 leaves: the fast mark, but no durable row.
  const deleted = await deps.sql`delete from email_sends where job_key like ${'email:' + jobId + ':%'}`
  expect(deleted.count).toBe(1)

  await job.retry('completed')
  await waitFor(async () => (await deps.queues.email.getJob(jobId))?.finishedOn !== job.finishedOn && (await job.getState()) === 'completed', { what: 'second run completed' })
  expect((await deps.queues.email.getJob(jobId))!.returnvalue).toMatchObject({ skipped: true })
  expect(smtp().messagesTo(to)).toHaveLength(1)
})
