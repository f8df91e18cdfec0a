import type { Tx } from '../../platform/db'
import type { Message } from './model'

export type MessageRow = {
  id: string
  conversation_id: string
  seq: number
  sender_id: string | null
  body: string
  client_id: string | null
  created_at: Date
  edited_at: Date | null
  deleted_at: Date | null
}

export const toMessage = (r: MessageRow): Message => ({
  id: r.id,
  conversation_id: r.conversation_id,
  seq: r.seq,
  sender_id: r.sender_id,
  body: r.deleted_at ? '' : r.body,
  client_id: r.client_id,
  created_at: r.created_at.toISOString(),
  edited_at: r.edited_at?.toISOString() ?? null,
  deleted: r.deleted_at !== null,
})

const COLS = ['id', 'conversation_id', 'seq', 'sender_id', 'body', 'client_id', 'created_at', 'edited_at', 'deleted_at']

/**
 * Sends a message in one statement (one round trip, atomic without BEGIN/COMMIT): takes the
 * next seq of the conversation if `senderId` takes part in it, inserts the message with that
 * seq and one pending delivery row per other participant, and answers the recipients too.
 * The conversation row lock serialises concurrent senders until commit, and a failure (e.g. a
 * used client_id) rolls the whole statement back, so seqs have no gaps or duplicates.
 * No row (null) when the sender is not a participant.
 */
export async function insertNextMessage(sql: Tx, m: { conversationId: string; senderId: string; body: string; clientId: string | null }) {
  const [row] = await sql<(MessageRow & { recipients: string[] })[]>`
    with c as (
      update conversations c set last_seq = last_seq + 1, last_activity_at = now()
      where c.id = ${m.conversationId}
        and exists (select 1 from conversation_participants p where p.conversation_id = c.id and p.user_id = ${m.senderId})
      returning c.id, c.last_seq
    ), m as (
      insert into messages (conversation_id, seq, sender_id, body, client_id)
      select c.id, c.last_seq, ${m.senderId}::uuid, ${m.body}::text, ${m.clientId}::text from c
      returning ${sql(COLS)}
    ), d as (
      insert into message_deliveries (message_id, user_id)
      select m.id, p.user_id from m join conversation_participants p on p.conversation_id = m.conversation_id and p.user_id <> m.sender_id
      returning user_id
    )
    select m.*, coalesce((select array_agg(user_id) from d), '{}') as recipients from m`
  return row ?? null
}

export async function findMessageByClientId(sql: Tx, senderId: string, clientId: string) {
  const [row] = await sql<MessageRow[]>`select ${sql(COLS)} from messages where sender_id = ${senderId} and client_id = ${clientId}`
  return row ?? null
}

export async function findMessageInConversation(sql: Tx, conversationId: string, messageId: string, lock = false) {
  const [row] = await sql<MessageRow[]>`
    select ${sql(COLS)} from messages where id = ${messageId} and conversation_id = ${conversationId} ${lock ? sql`for update` : sql``}`
  return row ?? null
}

export async function findMessageById(sql: Tx, messageId: string) {
  const [row] = await sql<MessageRow[]>`select ${sql(COLS)} from messages where id = ${messageId}`
  return row ?? null
}

export async function updateMessageBody(sql: Tx, messageId: string, body: string) {
  const [row] = await sql<MessageRow[]>`
    update messages set body = ${body}, edited_at = now(), changed_at = now() where id = ${messageId} returning ${sql(COLS)}`
  return row!
}

export async function markMessageDeleted(sql: Tx, messageId: string) {
  const [row] = await sql<MessageRow[]>`
    update messages set body = '', deleted_at = coalesce(deleted_at, now()), changed_at = now() where id = ${messageId} returning ${sql(COLS)}`
  return row!
}

/** A page of messages: newest first below `beforeSeq`, or oldest first above `afterSeq`. */
export async function listMessages(sql: Tx, conversationId: string, page: { beforeSeq?: number; afterSeq?: number; limit: number }) {
  if (page.afterSeq !== undefined) {
    return sql<MessageRow[]>`
      select ${sql(COLS)} from messages where conversation_id = ${conversationId} and seq > ${page.afterSeq}
      order by seq asc limit ${page.limit}`
  }
  return sql<MessageRow[]>`
    select ${sql(COLS)} from messages where conversation_id = ${conversationId}
    ${page.beforeSeq !== undefined ? sql`and seq < ${page.beforeSeq}` : sql``}
    order by seq desc limit ${page.limit}`
}

/** Messages at or below `seq` edited or deleted after `since` (catch-up of changes to older messages). */
export async function listChangedSince(sql: Tx, conversationId: string, seq: number, since: Date, limit: number) {
  return sql<MessageRow[]>`
    select ${sql(COLS)} from messages
    where conversation_id = ${conversationId} and changed_at > ${since} and seq <= ${seq}
    order by seq asc limit ${limit}`
}

export async function findCreatedAtOfSeq(sql: Tx, conversationId: string, seq: number) {
  const [row] = await sql<{ created_at: Date }[]>`select created_at from messages where conversation_id = ${conversationId} and seq = ${seq}`
  return row?.created_at ?? null
}

/** Advances the reader's position (never backwards) and marks their deliveries up to `seq` read. */
export async function markReadUpTo(sql: Tx, conversationId: string, userId: string, seq: number) {
  await sql`
    update conversation_participants set last_read_seq = greatest(last_read_seq, ${seq})
    where conversation_id = ${conversationId} and user_id = ${userId}`
  await sql`
    update message_deliveries d set status = 'read', read_at = now(), delivered_at = coalesce(d.delivered_at, now())
    from messages m
    where d.message_id = m.id and d.user_id = ${userId} and d.status <> 'read' and m.conversation_id = ${conversationId} and m.seq <= ${seq}`
}

/** Marks one pending delivery delivered; null when there was nothing pending (already acked, or not a recipient). */
export async function markDelivered(sql: Tx, messageId: string, userId: string) {
  const [row] = await sql<{ sender_id: string | null }[]>`
    update message_deliveries d set status = 'delivered', delivered_at = now()
    from messages m
    where d.message_id = ${messageId} and d.user_id = ${userId} and d.status = 'pending' and m.id = d.message_id
    returning m.sender_id`
  return row ?? null
}

export async function hasDelivery(sql: Tx, messageId: string, userId: string) {
  const [row] = await sql`select 1 from message_deliveries where message_id = ${messageId} and user_id = ${userId}`
  return Boolean(row)
}

/** The user's pending deliveries in conversations they are still part of, in conversation order. */
export async function listPendingForUser(sql: Tx, userId: string, limit: number) {
  return sql<MessageRow[]>`
    select m.id, m.conversation_id, m.seq, m.sender_id, m.body, m.client_id, m.created_at, m.edited_at, m.deleted_at
    from message_deliveries d
    join messages m on m.id = d.message_id
    join conversation_participants p on p.conversation_id = m.conversation_id and p.user_id = d.user_id
    where d.user_id = ${userId} and d.status = 'pending'
    order by m.conversation_id, m.seq limit ${limit}`
}

export type ReceiptRow = { message_id: string; user_id: string; status: 'pending' | 'delivered' | 'read'; delivered_at: Date | null; read_at: Date | null }

/** Every recipient's delivery row of the given messages (the receipts of a sender's messages). */
export async function listReceipts(sql: Tx, messageIds: string[]) {
  if (messageIds.length === 0) return []
  return sql<ReceiptRow[]>`
    select message_id, user_id, status, delivered_at, read_at from message_deliveries
    where message_id = any(${messageIds}::uuid[]) order by message_id, user_id`
}

/**
 * Receipts of `senderId`'s messages to replay on resume: delivered or read rows of messages in
 * (after_seq, up_to_seq], and of the LOOKBACK messages at or below after_seq whose state changed
 * after `since` (the creation of message after_seq), in seq order.
 */
export async function listReceiptsToReplay(sql: Tx, q: { conversationId: string; senderId: string; afterSeq: number; upToSeq: number; since: Date | null; lookback: number; limit: number }) {
  return sql<(ReceiptRow & { seq: number })[]>`
    select d.message_id, d.user_id, d.status, d.delivered_at, d.read_at, m.seq
    from messages m join message_deliveries d on d.message_id = m.id
    where m.conversation_id = ${q.conversationId} and m.sender_id = ${q.senderId} and d.status <> 'pending'
      and m.seq > ${Math.max(0, q.afterSeq - q.lookback)} and m.seq <= ${q.upToSeq}
      and (m.seq > ${q.afterSeq} ${q.since ? sql`or d.delivered_at > ${q.since} or d.read_at > ${q.since}` : sql``})
    order by m.seq, d.user_id limit ${q.limit}`
}
