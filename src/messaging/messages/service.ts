import type { Deps } from '../../platform/deps'
import { isUniqueViolation, type Tx } from '../../platform/db'
import { messagingErrors as E } from '../errors'
import { decodeCursor, encodeCursor } from '../../platform/http/cursor'
import { findParticipantIds, isParticipant } from '../conversations/queries'
import { MAX_SEQ, type Message, type Receipt } from './model'
import * as q from './queries'

type D = Pick<Deps, 'sql' | 'hub'>

async function assertParticipant(deps: Pick<Deps, 'sql'>, conversationId: string, userId: string) {
  if (!(await isParticipant(deps.sql, conversationId, userId))) throw E.conversationNotFound()
}

const assertBody = (body: string) => {
  if (body.trim().length === 0) throw E.invalid('body', 'The body must not be blank')
  if (body.includes('\u0000')) throw E.invalid('body', 'The body must not contain NUL characters')
}

/** A replay of `client_id` must be the same message: same conversation and body (unless since edited/deleted). */
function replay(existing: q.MessageRow, conversationId: string, body: string) {
  const changed = existing.edited_at !== null || existing.deleted_at !== null
  if (existing.conversation_id !== conversationId || (!changed && existing.body !== body)) throw E.idempotencyKeyReused()
  return { created: false, message: q.toMessage(existing) }
}

/**
 * Sends a message. The seq comes from the conversation row under its lock, in the same
 * statement (so the same transaction) as the message and its delivery rows, so seqs have no
 * gaps; the socket push happens only after the commit.
 */
export async function sendMessage(deps: D, userId: string, conversationId: string, input: { body: string; client_id?: string }) {
  assertBody(input.body)
  const clientId = input.client_id ?? null
  if (clientId?.includes('\u0000')) throw E.invalid('client_id', 'client_id must not contain NUL characters')
  let row: (q.MessageRow & { recipients: string[] }) | null
  try {
    row = await q.insertNextMessage(deps.sql, { conversationId, senderId: userId, body: input.body, clientId })
  } catch (err) {
    // A retry (or a racing twin) with a used client_id: answer with the original message.
    if (!clientId || !isUniqueViolation(err, 'messages_sender_client_id_key')) throw err
    const existing = await q.findMessageByClientId(deps.sql, userId, clientId)
    if (!existing) throw err
    await assertParticipant(deps, existing.conversation_id, userId)
    return replay(existing, conversationId, input.body)
  }
  if (!row) throw E.conversationNotFound()
  const { recipients, ...created } = row
  const message = q.toMessage(created)
  await publishSafely(deps, [userId, ...recipients], 'message', message)
  return { created: true, message }
}

/** The message exists once committed; a failed push is recovered by pending deliveries and resume. */
async function publishSafely(deps: D, userIds: string[], type: 'message' | 'message_updated', message: Message) {
  await deps.hub.publish(userIds, type, message).catch(() => {})
}

async function changeMessage(deps: D, userId: string, conversationId: string, messageId: string, change: (tx: Tx, row: q.MessageRow) => Promise<q.MessageRow>) {
  await assertParticipant(deps, conversationId, userId)
  const { row, audience } = await deps.sql.begin(async (tx) => {
    const current = await q.findMessageInConversation(tx, conversationId, messageId, true)
    if (!current) throw E.messageNotFound()
    if (current.sender_id !== userId) throw E.notSender()
    return { row: await change(tx, current), audience: await findParticipantIds(tx, conversationId) }
  })
  const message = q.toMessage(row)
  await publishSafely(deps, audience, 'message_updated', message)
  return message
}

export function editMessage(deps: D, userId: string, conversationId: string, messageId: string, body: string) {
  assertBody(body)
  return changeMessage(deps, userId, conversationId, messageId, async (tx, current) => {
    if (current.deleted_at) throw E.messageDeleted()
    return q.updateMessageBody(tx, messageId, body)
  })
}

export async function deleteMessage(deps: D, userId: string, conversationId: string, messageId: string) {
  await changeMessage(deps, userId, conversationId, messageId, (tx) => q.markMessageDeleted(tx, messageId))
}

type ListQuery = { limit?: number; cursor?: string; before?: number; after_seq?: number }
type PageCursor = { d: 'asc' | 'desc'; s: number }

/** Newest first (`before`/cursor), or oldest first from `after_seq` (catch-up); the cursor remembers the direction. */
export async function listMessages(deps: Pick<Deps, 'sql'>, userId: string, conversationId: string, query: ListQuery) {
  await assertParticipant(deps, conversationId, userId)
  const limit = query.limit ?? 20
  const c = query.cursor
    ? decodeCursor(query.cursor, (v): v is PageCursor => (v?.d === 'asc' || v?.d === 'desc') && Number.isInteger(v?.s) && v.s >= 0 && v.s <= MAX_SEQ)
    : undefined
  const asc = c ? c.d === 'asc' : query.after_seq !== undefined
  const rows = await q.listMessages(deps.sql, conversationId, asc
    ? { afterSeq: c?.s ?? query.after_seq, limit: limit + 1 }
    : { beforeSeq: c?.s ?? query.before, limit: limit + 1 })
  const page = rows.slice(0, limit)
  const last = page[page.length - 1]
  const receipts = new Map<string, Receipt[]>()
  for (const r of await q.listReceipts(deps.sql, page.filter((m) => m.sender_id === userId).map((m) => m.id))) {
    let list = receipts.get(r.message_id)
    if (!list) receipts.set(r.message_id, (list = []))
    list.push({ user_id: r.user_id, status: r.status, delivered_at: r.delivered_at?.toISOString() ?? null, read_at: r.read_at?.toISOString() ?? null })
  }
  return {
    items: page.map((m) => (m.sender_id === userId ? { ...q.toMessage(m), receipts: receipts.get(m.id) ?? [] } : q.toMessage(m))),
    next_cursor: rows.length > limit && last ? encodeCursor({ d: asc ? 'asc' : 'desc', s: last.seq } satisfies PageCursor) : null,
  }
}

/** Read receipts up to a message: the reader's position and delivery rows, then `read_receipt` to the others. */
export async function markRead(deps: D, userId: string, conversationId: string, messageId: string) {
  await assertParticipant(deps, conversationId, userId)
  const audience = await deps.sql.begin(async (tx) => {
    const msg = await q.findMessageInConversation(tx, conversationId, messageId)
    if (!msg) throw E.messageNotFound()
    await q.markReadUpTo(tx, conversationId, userId, msg.seq)
    return findParticipantIds(tx, conversationId)
  })
  const others = audience.filter((id) => id !== userId)
  await deps.hub.publish(others, 'read_receipt', { conversation_id: conversationId, user_id: userId, message_id: messageId }).catch(() => {})
}

/**
 * A recipient's device confirms receipt: the delivery row becomes `delivered` and the sender
 * hears of it once. Acks of one's own messages (echoed to the sender's devices) or of messages
 * already delivered are accepted silently; a message the user cannot see is refused.
 */
export async function ackDelivery(deps: D, userId: string, messageId: string) {
  const row = await q.markDelivered(deps.sql, messageId, userId)
  if (!row) {
    const msg = await q.findMessageById(deps.sql, messageId)
    if (msg && (await isParticipant(deps.sql, msg.conversation_id, userId))) return
    if (await q.hasDelivery(deps.sql, messageId, userId)) return
    throw E.messageNotFound()
  }
  if (row.sender_id) {
    // The delivery row is committed; a lost push only costs the sender a live tick.
    await deps.hub.publish([row.sender_id], 'delivery_ack', { message_id: messageId, user_id: userId, status: 'delivered' }).catch(() => {})
  }
}
