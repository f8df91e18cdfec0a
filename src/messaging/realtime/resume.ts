import type { Deps } from '../../platform/deps'
import { frame } from '../../platform/ws/events'
import type { Conn } from '../../platform/ws/hub'
import { findLastSeqForParticipant } from '../conversations/queries'
import * as q from '../messages/queries'

/** Most messages replayed per conversation and frame; `resumed.seq` then says where to resume from. */
export const RESUME_MAX = 1000
const PENDING_MAX = 500

/**
 * Catch-up for one conversation, in SPEC order: every newer message in its current state,
 * then `message_updated` for older messages changed after message `afterSeq` was created,
 * then `resumed {conversation_id, seq}`.
 */
export async function resumeConversation(deps: Pick<Deps, 'sql'>, conn: Conn, conversationId: string, afterSeq: number) {
  const lastSeq = await findLastSeqForParticipant(deps.sql, conversationId, conn.userId)
  if (lastSeq === null) {
    conn.send(frame('error', { code: 'forbidden', message: `Not a participant of conversation ${conversationId}` }))
    return
  }
  const newer = await q.listMessages(deps.sql, conversationId, { afterSeq, limit: RESUME_MAX })
  for (const m of newer) conn.send(frame('message', q.toMessage(m)))
  const since = afterSeq > 0 ? await q.findCreatedAtOfSeq(deps.sql, conversationId, afterSeq) : null
  if (since) {
    const changed = await q.listChangedSince(deps.sql, conversationId, afterSeq, since, RESUME_MAX)
    for (const m of changed) conn.send(frame('message_updated', q.toMessage(m)))
  }
  const truncated = newer.length === RESUME_MAX
  const seq = truncated ? newer[newer.length - 1]!.seq : Math.max(lastSeq, newer[newer.length - 1]?.seq ?? 0)
  conn.send(frame('resumed', { conversation_id: conversationId, seq }))
}

/** Pushes the user's pending deliveries to a socket that just said hello (the client acks each). */
export async function pushPending(deps: Pick<Deps, 'sql'>, conn: Conn) {
  const rows = await q.listPendingForUser(deps.sql, conn.userId, PENDING_MAX)
  for (const m of rows) conn.send(frame('message', q.toMessage(m)))
}
