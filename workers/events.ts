import { UnrecoverableError } from 'bullmq'
import type { OutboxEvent } from '../src/platform/outbox'
import type { Processor, WorkerDeps } from './types'

/** A reaction to a domain event. Must be idempotent: an event may be delivered twice. */
export type EventHandler = (event: OutboxEvent, deps: WorkerDeps) => Promise<void>

/**
 * Cross-domain flows, keyed by event type. Each flow calls the `public.ts` of the domains
 * it joins (e.g. "payment.completed -> enroll" uses commerce and courses).
 */
export const eventHandlers: Record<string, EventHandler[]> = {}

export const processEvent: Processor = async (job, deps) => {
  const event = job.data as OutboxEvent
  if (!event?.type) throw new UnrecoverableError('event without a type')
  const handlers = eventHandlers[event.type] ?? []
  for (const handle of handlers) await handle(event, deps)
  return { handled: handlers.length }
}
