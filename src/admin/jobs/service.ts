import type { Job as BullJob, JobType } from 'bullmq'
import type { Deps } from '../../platform/deps'
import { QUEUE_NAMES, redact, type QueueName } from '../../platform/queues'
import { httpErrors } from '../../platform/http/errors'
import { adminErrors } from '../errors'
import type { JobsQuery } from './model'

const iso = (ms?: number | null) => (ms ? new Date(ms).toISOString() : null)

async function toView(job: BullJob, queue: string) {
  return {
    id: String(job.id),
    queue,
    name: job.name,
    state: await job.getState(),
    data: redact(job.data),
    attempts_made: job.attemptsMade,
    failed_reason: job.failedReason ?? null,
    created_at: iso(job.timestamp),
    finished_at: iso(job.finishedOn),
  }
}

function queueOf(deps: Pick<Deps, 'queues'>, name: string) {
  if (!(QUEUE_NAMES as readonly string[]).includes(name)) throw adminErrors.unknownQueue(name)
  return deps.queues[name as QueueName]
}

/** Lists jobs of one queue (or all) in one state, newest first; the cursor is an offset. */
export async function listJobs(deps: Pick<Deps, 'queues'>, q: typeof JobsQuery.static) {
  const limit = q.limit ?? 20
  const offset = q.cursor ? Number.parseInt(q.cursor, 10) : 0
  if (!Number.isInteger(offset) || offset < 0) throw httpErrors.validation([{ field: 'cursor', message: 'invalid cursor' }])
  const state = q.state ?? 'failed'
  const names = q.queue ? [q.queue] : [...QUEUE_NAMES]
  const rows: { job: BullJob; queue: string }[] = []
  for (const name of names) {
    const jobs = await queueOf(deps, name).getJobs([state as JobType], 0, offset + limit, false)
    rows.push(...jobs.filter(Boolean).map((job) => ({ job, queue: name })))
  }
  rows.sort((a, b) => b.job.timestamp - a.job.timestamp)
  const page = rows.slice(offset, offset + limit)
  return {
    items: await Promise.all(page.map((r) => toView(r.job, r.queue))),
    next_cursor: rows.length > offset + limit ? String(offset + limit) : null,
  }
}

/** Replays a failed job (the dead-letter view's retry). */
export async function retryJob(deps: Pick<Deps, 'queues'>, queue: string, id: string) {
  const job = await queueOf(deps, queue).getJob(id)
  if (!job) throw adminErrors.jobNotFound()
  if ((await job.getState()) !== 'failed') throw adminErrors.notFailed()
  await job.retry('failed')
  return toView(job, queue)
}
