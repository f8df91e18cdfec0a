import { UnrecoverableError } from 'bullmq'
import { Value } from '@sinclair/typebox/value'
import { generateInsight, InsightJob } from '../src/ai/public'
import type { Processor } from './types'

/**
 * The `ai` queue. `insight`: a mentor insight after a learning event (idempotent per cause;
 * provider failures throw so BullMQ retries with backoff; malformed output is dropped inside).
 */
export const processAi: Processor = async (job, deps) => {
  if (job.name !== 'insight') throw new UnrecoverableError(`unknown ai job: ${job.name}`)
  if (!Value.Check(InsightJob, job.data)) throw new UnrecoverableError('invalid insight job payload')
  const insight = await generateInsight(deps, job.data)
  return { insight_id: insight?.id ?? null }
}
