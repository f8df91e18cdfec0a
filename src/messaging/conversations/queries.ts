import type { Tx } from '../../platform/db'
import type { MessageRow } from '../messages/queries'

export type ConversationRow = {
  id: string
  type: 'direct' | 'group'
  name: string | null
  owner_id: string | null
  last_seq: number
  last_activity_at: Date
  created_at: Date
  /** The caller's read position. */
  last_read_seq: number
  unread_count: number
  /** `last_activity_at` in epoch microseconds (exact, for cursors). */
  activity_key: string
}

/** The ordered pair key that makes a direct conversation unique. */
export const directKey = (a: string, b: string) => (a < b ? `${a}:${b}` : `${b}:${a}`)

/** Conversations of `userId` with its read state; by ids, or a page newest activity first. */
export async function findUserConversations(sql: Tx, userId: string, q: { ids?: string[]; after?: { key: string; id: string }; limit?: number }) {
  return sql<ConversationRow[]>`
    select c.id, c.type, c.name, c.owner_id, c.last_seq, c.last_activity_at, c.created_at, p.last_read_seq,
      (extract(epoch from c.last_activity_at) * 1000000)::bigint::text as activity_key,
      (select count(*)::int from messages m
        where m.conversation_id = c.id and m.seq > p.last_read_seq and m.deleted_at is null
          and m.sender_id is distinct from ${userId}) as unread_count
    from conversation_participants p join conversations c on c.id = p.conversation_id
    where p.user_id = ${userId}
      ${q.ids ? sql`and c.id = any(${q.ids}::uuid[])` : sql``}
      ${q.after ? sql`and (c.last_activity_at, c.id) < (timestamptz 'epoch' + ${q.after.key}::bigint * interval '1 microsecond', ${q.after.id}::uuid)` : sql``}
    order by c.last_activity_at desc, c.id desc
    ${q.limit ? sql`limit ${q.limit}` : sql``}`
}

/** The latest message of each conversation. */
export async function findLastMessages(sql: Tx, conversationIds: string[]) {
  if (conversationIds.length === 0) return []
  return sql<MessageRow[]>`
    select m.id, m.conversation_id, m.seq, m.sender_id, m.body, m.client_id, m.created_at, m.edited_at, m.deleted_at
    from conversations c join messages m on m.conversation_id = c.id and m.seq = c.last_seq
    where c.id = any(${conversationIds}::uuid[])`
}

export async function findParticipantRows(sql: Tx, conversationIds: string[]) {
  if (conversationIds.length === 0) return []
  return sql<{ conversation_id: string; user_id: string }[]>`
    select conversation_id, user_id from conversation_participants
    where conversation_id = any(${conversationIds}::uuid[]) order by joined_at, user_id`
}

export async function findParticipantIds(sql: Tx, conversationId: string): Promise<string[]> {
  const rows = await sql<{ user_id: string }[]>`select user_id from conversation_participants where conversation_id = ${conversationId}`
  return rows.map((r) => r.user_id)
}

export async function isParticipant(sql: Tx, conversationId: string, userId: string) {
  const [row] = await sql`select 1 from conversation_participants where conversation_id = ${conversationId} and user_id = ${userId}`
  return Boolean(row)
}

/** The conversation, locked for a participant change, if `userId` takes part in it. */
export async function lockConversationForParticipant(sql: Tx, conversationId: string, userId: string) {
  const [row] = await sql<{ id: string; type: 'direct' | 'group'; owner_id: string | null }[]>`
    select c.id, c.type, c.owner_id from conversations c
    join conversation_participants p on p.conversation_id = c.id and p.user_id = ${userId}
    where c.id = ${conversationId} for update of c`
  return row ?? null
}

export async function findDirectByKey(sql: Tx, key: string) {
  const [row] = await sql<{ id: string }[]>`select id from conversations where direct_key = ${key}`
  return row ?? null
}

export async function insertConversation(sql: Tx, c: { type: 'direct' | 'group'; name: string | null; ownerId: string | null; directKey: string | null }) {
  const [row] = await sql<{ id: string }[]>`
    insert into conversations (type, name, owner_id, direct_key) values (${c.type}, ${c.name}, ${c.ownerId}, ${c.directKey}) returning id`
  return row!.id
}

/** Adds participants (already present ones are kept); they start with everything so far read. */
export async function addParticipants(sql: Tx, conversationId: string, userIds: string[]) {
  await sql`
    insert into conversation_participants (conversation_id, user_id, last_read_seq)
    select ${conversationId}, u, c.last_seq from unnest(${userIds}::uuid[]) as u, conversations c where c.id = ${conversationId}
    on conflict do nothing`
}

export async function countParticipants(sql: Tx, conversationId: string) {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from conversation_participants where conversation_id = ${conversationId}`
  return row!.n
}

export async function removeParticipant(sql: Tx, conversationId: string, userId: string) {
  const rows = await sql`delete from conversation_participants where conversation_id = ${conversationId} and user_id = ${userId} returning 1`
  return rows.length > 0
}

/** Hands a group to its longest-standing remaining participant (when the owner leaves). */
export async function transferOwnership(sql: Tx, conversationId: string) {
  await sql`
    update conversations set owner_id = (
      select user_id from conversation_participants where conversation_id = ${conversationId} order by joined_at, user_id limit 1)
    where id = ${conversationId}`
}

/** Everyone who shares at least one conversation with `userId` (their presence audience). */
export async function findContactIds(sql: Tx, userId: string): Promise<string[]> {
  const rows = await sql<{ user_id: string }[]>`
    select distinct p2.user_id from conversation_participants p1
    join conversation_participants p2 on p2.conversation_id = p1.conversation_id
    where p1.user_id = ${userId} and p2.user_id <> ${userId}`
  return rows.map((r) => r.user_id)
}

/** The latest seq of a conversation, if `userId` takes part in it. */
export async function findLastSeqForParticipant(sql: Tx, conversationId: string, userId: string) {
  const [row] = await sql<{ last_seq: number }[]>`
    select c.last_seq from conversations c
    join conversation_participants p on p.conversation_id = c.id and p.user_id = ${userId}
    where c.id = ${conversationId}`
  return row?.last_seq ?? null
}
