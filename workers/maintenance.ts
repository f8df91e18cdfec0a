import { UnrecoverableError } from 'bullmq'
import type { Processor, WorkerDeps } from './types'

/** Named maintenance tasks (delayed or repeatable jobs on the `maintenance` queue). */
export const maintenanceTasks: Record<string, (data: unknown, deps: WorkerDeps) => Promise<unknown>> = {}

export const processMaintenance: Processor = async (job, deps) => {
  const task = maintenanceTasks[job.name]
  if (!task) throw new UnrecoverableError(`unknown maintenance task: ${job.name}`)
  return task(job.data, deps)
}
