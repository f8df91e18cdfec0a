import { UnrecoverableError } from 'bullmq'
import type { Processor, WorkerDeps } from './types'
import { Value } from '@sinclair/typebox/value'
import { ATTEMPT_EXPIRE_TASK, AttemptExpireJob } from '../src/courses/jobs'
import { expireQuizAttempt } from '../src/courses/public'
import { EXPIRE_ORDER_JOB, expireOrder, SWEEP_JOB, sweepCommerce } from '../src/commerce/public'

/** Named maintenance tasks (delayed or repeatable jobs on the `maintenance` queue). */
export const maintenanceTasks: Record<string, (data: unknown, deps: WorkerDeps) => Promise<unknown>> = {}

export const processMaintenance: Processor = async (job, deps) => {
  const task = maintenanceTasks[job.name]
  if (!task) throw new UnrecoverableError(`unknown maintenance task: ${job.name}`)
  return task(job.data, deps)
}

// Commerce: an order still unpaid after ORDER_TTL_MINUTES expires (stock released, PaymentIntent cancelled).
maintenanceTasks[EXPIRE_ORDER_JOB] = async (data, deps) => {
  const { order_id } = data as { order_id?: unknown }
  if (typeof order_id !== 'string') throw new UnrecoverableError('expire-order job without order_id')
  return { expired: await expireOrder(deps, order_id) }
}
maintenanceTasks[SWEEP_JOB] = (_data, deps) => sweepCommerce(deps)

// Courses: a timed quiz attempt whose deadline (plus grace) passed is submitted with its saved answers.
maintenanceTasks[ATTEMPT_EXPIRE_TASK] = async (data, deps) => {
  if (!Value.Check(AttemptExpireJob, data)) throw new UnrecoverableError('quiz-attempt-expire job without attempt_id')
  return expireQuizAttempt(deps, data.attempt_id)
}
