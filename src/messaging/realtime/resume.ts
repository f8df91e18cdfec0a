import type { Deps } from '../../platform/deps'
import { frame } from '../../platform/ws/events'
import type { Conn } from '../../platform/ws/hub'
import { findLastSeqForParticipant } from '../conversations/queries'
import * as q from '../messages/queries'

/** Most messages replayed per conversation and frame (SPEC §12); `resumed.has_more` then says more follow `resumed.seq`. */
export const RESUME_MAX = 500
/** Most receipt rows replayed per conversation and frame; GET …/messages carries them all. */
export const RESUME_RECEIPTS_MAX = 2000
/** How far below after_seq a resume looks for the caller's messages whose receipts changed. */
export const RESUME_RECEIPTS_LOOKBACK = 500
const PENDING_MAX = 500

/**
 * Catch-up for one conversation, in SPEC order: every newer message in its current state (at
 * most RESUME_MAX), then `message_updated` for older messages changed after message `afterSeq`
 * was created, then the receipts of the caller's own messages that the caller may have missed
 * (`delivery_ack` / `read_receipt`), then `resumed {conversation_id, seq, has_more}`.
 */
export async function resumeConversation(deps: Pick<Deps, 'sql'>, conn: Conn, conversationId: string, afterSeq: number) {
  const lastSeq = await findLastSeqForParticipant(deps.sql, conversationId, conn.userId)
  if (lastSeq === null) {
    conn.send(frame('error', { code: 'forbidden', message: `Not a participant of conversation ${conversationId}` }))
    return
  }
  const rows = await q.listMessages(deps.sql, conversationId, { afterSeq, limit: RESUME_MAX + 1 })
  const hasMore = rows.length > RESUME_MAX
  const newer = hasMore ? rows.slice(0, RESUME_MAX) : rows
  for (const m of newer) if (!(await conn.sendPaced(frame('message', q.toMessage(m))))) return
  const since = afterSeq > 0 ? await q.findCreatedAtOfSeq(deps.sql, conversationId, afterSeq) : null
  if (since) {
    const changed = await q.listChangedSince(deps.sql, conversationId, afterSeq, since, RESUME_MAX)
    for (const m of changed) if (!(await conn.sendPaced(frame('message_updated', q.toMessage(m))))) return
  }
  const seq = hasMore ? newer[newer.length - 1]!.seq : Math.max(lastSeq, newer[newer.length - 1]?.seq ?? 0)
  await replayReceipts(deps, conn, conversationId, afterSeq, seq, since)
  conn.send(frame('resumed', { conversation_id: conversationId, seq, has_more: hasMore }))
}

/**
 * Receipts for a sender who was away (SPEC §13): per recipient, `read_receipt` for the latest of
 * the caller's messages they read (reading is "up to"), and `delivery_ack` for each later one
 * they only received.
 */
async function replayReceipts(deps: Pick<Deps, 'sql'>, conn: Conn, conversationId: string, afterSeq: number, upToSeq: number, since: Date | null) {
  const rows = await q.listReceiptsToReplay(deps.sql, {
    conversationId, senderId: conn.userId, afterSeq, upToSeq, since, lookback: RESUME_RECEIPTS_LOOKBACK, limit: RESUME_RECEIPTS_MAX,
  })
  const latestRead = new Map<string, string>()
  for (const r of rows) if (r.status === 'read') latestRead.set(r.user_id, r.message_id) // rows come in seq order
  for (const r of rows) {
    if (r.status === 'delivered') conn.send(frame('delivery_ack', { message_id: r.message_id, user_id: r.user_id, status: 'delivered' }))
  }
  for (const [userId, messageId] of latestRead) conn.send(frame('read_receipt', { conversation_id: conversationId, user_id: userId, message_id: messageId }))
}

/** Pushes the user's pending deliveries to a socket that just said hello (the client acks each). */
export async function pushPending(deps: Pick<Deps, 'sql'>, conn: Conn) {
  const rows = await q.listPendingForUser(deps.sql, conn.userId, PENDING_MAX)
  for (const m of rows) if (!(await conn.sendPaced(frame('message', q.toMessage(m))))) return
}
