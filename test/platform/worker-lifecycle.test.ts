import { afterAll, expect, test } from 'bun:test'
import { createQueues } from '../../src/platform/queues'
import { deleteKeyspace } from '../../src/platform/redis'
import { testApp, waitFor } from '../helpers/app'

// A private queue prefix: the in-process test workers of other files must not take this job.
const prefix = `${process.env.REDIS_PREFIX}-worker-lifecycle`
const { queues, close } = createQueues(process.env.REDIS_URL!, prefix, process.env.REDIS_CLUSTER_NODES)
afterAll(async () => {
  await close()
  await deleteKeyspace((await testApp()).deps.redis, prefix)
})

test('worker SIGTERM lets the active job finish, then exits 0', async () => {
  const proc = Bun.spawn(['bun', 'test/fixtures/slow-worker.ts'], { env: { ...process.env, REDIS_PREFIX: prefix, SLOW_MS: '1500' }, stdout: 'pipe', stderr: 'inherit' })
  const job = await queues.maintenance.add('test.slow', {})
  await waitFor(async () => (await job.getState()) === 'active', { timeoutMs: 20000, what: 'job picked up by the worker process' })
  proc.kill('SIGTERM')
  expect(await proc.exited).toBe(0)
  expect(await job.getState()).toBe('completed')
  const done = await queues.maintenance.getJob(job.id!)
  expect(done!.returnvalue).toEqual({ finished: true })
})
