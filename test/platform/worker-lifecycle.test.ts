import { expect, test } from 'bun:test'
import { testApp, waitFor } from '../helpers/app'

test('worker SIGTERM lets the active job finish, then exits 0', async () => {
  const { deps } = await testApp()
  const proc = Bun.spawn(['bun', 'test/fixtures/slow-worker.ts'], { env: { ...process.env, SLOW_MS: '1500' }, stdout: 'pipe', stderr: 'inherit' })
  const job = await deps.queues.maintenance.add('test.slow', {})
  await waitFor(async () => (await job.getState()) === 'active', { timeoutMs: 20000, what: 'job picked up by the worker process' })
  proc.kill('SIGTERM')
  expect(await proc.exited).toBe(0)
  expect(await job.getState()).toBe('completed')
  const done = await deps.queues.maintenance.getJob(job.id!)
  expect(done!.returnvalue).toEqual({ finished: true })
})
