import { describe, expect, test } from 'bun:test'
import { call, smtp, testApp, testWorkers, waitFor } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { maintenanceTasks } from '../../workers/maintenance'
import { dispatchOutbox, writeEvent } from '../../src/platform/outbox'
import { enqueueEmail } from '../../src/platform/mail'
import { eventHandlers } from '../../workers/events'

describe('jobs', () => {
  test('a job that throws is retried with backoff, kept as failed, and the retry endpoint replays it', async () => {
    const { deps } = await testApp()
    await testWorkers()
    const admin = await newUser({ role: 'admin' })
    const calls: number[] = []
    let healthy = false
    maintenanceTasks['test.flaky'] = async () => {
      calls.push(Date.now())
      if (!healthy) throw new Error('flaky dependency')
      return { ok: true }
    }
    const job = await deps.queues.maintenance.add('test.flaky', { secret_token: 'abc', note: 'x' }, { attempts: 3, backoff: { type: 'exponential', delay: 100 } })
    await waitFor(async () => (await job.getState()) === 'failed', { timeoutMs: 15000, what: 'job to fail for good' })
    expect(calls).toHaveLength(3)
    // Exponential backoff: the second wait is at least as long as the first (100 ms, 200 ms minimums).
    expect(calls[1]! - calls[0]!).toBeGreaterThanOrEqual(90)
    expect(calls[2]! - calls[1]!).toBeGreaterThanOrEqual(190)

    const list = await call('GET', '/api/v1/admin/jobs?queue=maintenance&state=failed', { token: admin.token })
    expect(list.status).toBe(200)
    const listed = list.body.items.find((j: { id: string }) => j.id === job.id)
    expect(listed.failed_reason).toBe('flaky dependency')
    expect(listed.data).toEqual({ secret_token: '[redacted]', note: 'x' })
    expect(listed.attempts_made).toBe(3)

    healthy = true
    const retry = await call('POST', `/api/v1/admin/jobs/maintenance/${job.id}/retry`, { token: admin.token })
    expect(retry.status).toBe(200)
    await waitFor(async () => (await job.getState()) === 'completed', { what: 'retried job to complete' })
    expect(calls).toHaveLength(4)
    // Durations measured in the worker show up in the API's /metrics (via Redis).
    const metrics = await call('GET', '/metrics')
    expect(metrics.text).toMatch(/job_duration_seconds_count\{queue="maintenance",result="failed"\} [3-9]/)
    expect(metrics.text).toMatch(/job_duration_seconds_bucket\{queue="maintenance",result="completed",le="\+Inf"\} [1-9]/)
  })

  test('retrying an unknown queue or job → 404; a job that has not failed → 409', async () => {
    const { deps } = await testApp()
    const admin = await newUser({ role: 'admin' })
    expect((await call('POST', '/api/v1/admin/jobs/nope/1/retry', { token: admin.token })).status).toBe(404)
    expect((await call('POST', '/api/v1/admin/jobs/email/does-not-exist/retry', { token: admin.token })).status).toBe(404)
    const delayed = await deps.queues.maintenance.add('test.later', {}, { delay: 60_000 })
    const r = await call('POST', `/api/v1/admin/jobs/maintenance/${delayed.id}/retry`, { token: admin.token })
    expect(r.status).toBe(409)
    expect(r.body.error.code).toBe('invalid_transition')
    await delayed.remove()
  })

  test('email jobs render MJML + text and go out over SMTP', async () => {
    const { deps } = await testApp()
    await testWorkers()
    const to = `welcome-${Date.now()}@example.test`
    await enqueueEmail(deps.queues, { template: 'welcome', to, vars: { display_name: 'Zoë <b>', app_url: 'https://lyceum.example' } })
    const mail = await smtp().waitFor(to)
    expect(mail.subject).toBe('Welcome to Lyceum, Zoë <b>')
    expect(mail.html).toContain('Zoë &lt;b&gt;')
    expect(mail.text).toContain('https://lyceum.example')
  })
})

describe('outbox', () => {
  test('an event written in a rolled-back transaction is never dispatched; a committed one is, once', async () => {
    const { deps } = await testApp()
    await testWorkers()
    const seen: string[] = []
    eventHandlers['test.outbox'] = [async (e) => void seen.push(String(e.payload.marker))]
    const marker = crypto.randomUUID()
    await deps.sql.begin(async (tx) => {
      await writeEvent(tx, 'test.outbox', { marker: `rolled-back-${marker}` })
      throw new Error('abort')
    }).catch(() => {})
    await deps.sql.begin((tx) => writeEvent(tx, 'test.outbox', { marker }))
    await waitFor(() => seen.includes(marker), { what: 'committed event handled' })
    // A second dispatcher pass (e.g. another worker) finds nothing more to send.
    expect(await dispatchOutbox(deps.sql, deps.queues.events)).toBe(0)
    const rows = await deps.sql`select count(*)::int as n from outbox where payload->>'marker' like ${'%' + marker}`
    expect(rows[0]!.n).toBe(1)
    expect(seen.filter((m) => m.includes(marker))).toEqual([marker])
  })

  test('re-sending an already enqueued outbox row does not create a second job', async () => {
    const { deps } = await testApp()
    const [row] = await deps.sql<{ id: string }[]>`insert into outbox (type, payload, dispatched_at) values ('test.noop', '{}', now()) returning id`
    const a = await deps.queues.events.add('test.noop', { id: row!.id, type: 'test.noop', payload: {} }, { jobId: `outbox-${row!.id}`, delay: 60_000 })
    const b = await deps.queues.events.add('test.noop', { id: row!.id, type: 'test.noop', payload: {} }, { jobId: `outbox-${row!.id}`, delay: 60_000 })
    expect(b.id).toBe(a.id!)
    expect((await deps.queues.events.getDelayed()).filter((j) => j.id === a.id)).toHaveLength(1)
    await a.remove()
  })
})
