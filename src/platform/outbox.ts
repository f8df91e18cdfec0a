import type { Queue } from 'bullmq'
import type { Sql, Tx } from './db'

/** Domain events of SPEC §9 (domains may add more). */
export type EventType =
  | 'user.registered'
  | 'course.enrolled'
  | 'course.published'
  | 'lesson.completed'
  | 'quiz.passed'
  | 'quiz.failed'
  | 'course.completed'
  | 'payment.completed'
  | 'order.status_changed'
  | 'order.refunded'
  | (string & {})

export type OutboxEvent = { id: string; type: EventType; payload: Record<string, unknown>; created_at: string }

export const OUTBOX_CHANNEL = 'lyceum_outbox'

/**
 * Records a domain event in the caller's transaction: it exists exactly when the change
 * that caused it commits. The NOTIFY is delivered on commit and wakes the dispatcher.
 */
export async function writeEvent(tx: Tx, type: EventType, payload: Record<string, unknown>): Promise<void> {
  await tx`insert into outbox (type, payload) values (${type}, ${tx.json(payload as never)})`
  await tx`select pg_notify(${OUTBOX_CHANNEL}, '')`
}

/**
 * Moves undispatched rows to the `events` queue with the row id as job id, then marks
 * them. If the process dies between the two, the rows are sent again with the same ids,
 * which BullMQ deduplicates; rows of a rolled-back transaction never exist.
 */
export async function dispatchOutbox(sql: Sql, events: Queue, batch = 200): Promise<number> {
  return sql.begin(async (tx) => {
    const rows = await tx<{ id: string; type: string; payload: Record<string, unknown>; created_at: Date }[]>`
      select id, type, payload, created_at from outbox
      where dispatched_at is null order by id limit ${batch} for update skip locked`
    if (rows.length === 0) return 0
    await events.addBulk(
      rows.map((r) => ({
        name: r.type,
        data: { id: String(r.id), type: r.type, payload: r.payload, created_at: r.created_at.toISOString() } satisfies OutboxEvent,
        opts: { jobId: `outbox-${r.id}` },
      })),
    )
    await tx`update outbox set dispatched_at = now() where id in ${tx(rows.map((r) => r.id))}`
    return rows.length
  })
}
