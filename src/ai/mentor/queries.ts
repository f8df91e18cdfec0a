import type { Tx } from '../../platform/db'
import type { AiUsage } from '../../platform/ai'

export type ConversationRow = { id: string; user_id: string; course_id: string | null; title: string; created_at: Date; updated_at: Date }
export type MessageRow = { id: string; role: 'user' | 'assistant'; content: string; status: 'complete' | 'interrupted'; provider: string | null; created_at: Date }

export async function findConversation(sql: Tx, id: string) {
  const [row] = await sql<ConversationRow[]>`select id, user_id, course_id, title, created_at, updated_at from ai_conversations where id = ${id}`
  return row ?? null
}

export async function upsertConversation(sql: Tx, c: { id: string; userId: string; courseId: string | null; title: string }) {
  await sql`
    insert into ai_conversations (id, user_id, course_id, title) values (${c.id}, ${c.userId}, ${c.courseId}, ${c.title})
    on conflict (id) do update set updated_at = date_trunc('milliseconds', now())`
}

export async function insertMessage(sql: Tx, m: { conversationId: string; role: 'user' | 'assistant'; content: string; status?: string; provider?: string | null; usage?: AiUsage }) {
  const [row] = await sql<MessageRow[]>`
    insert into ai_messages (conversation_id, role, content, status, provider, prompt_tokens, completion_tokens)
    values (${m.conversationId}, ${m.role}, ${m.content}, ${m.status ?? 'complete'}, ${m.provider ?? null},
            ${m.usage?.prompt_tokens ?? 0}, ${m.usage?.completion_tokens ?? 0})
    returning id, role, content, status, provider, created_at`
  return row!
}

/** The newest `limit` messages of a conversation, oldest first (for the prompt). */
export async function recentMessages(sql: Tx, conversationId: string, limit = 40) {
  const rows = await sql<{ role: 'user' | 'assistant'; content: string }[]>`
    select role, content from ai_messages where conversation_id = ${conversationId} order by n desc limit ${limit}`
  return rows.reverse()
}

export async function listConversations(sql: Tx, userId: string, limit: number, after: { at: Date; id: string } | null) {
  return sql<ConversationRow[]>`
    select id, user_id, course_id, title, created_at, updated_at from ai_conversations
    where user_id = ${userId} ${after ? sql`and (updated_at, id) < (${after.at}, ${after.id})` : sql``}
    order by updated_at desc, id desc limit ${limit + 1}`
}

export async function listMessages(sql: Tx, conversationId: string, limit: number, afterN: string | null) {
  return sql<(MessageRow & { n: string })[]>`
    select id, n, role, content, status, provider, created_at from ai_messages
    where conversation_id = ${conversationId} ${afterN ? sql`and n > ${afterN}` : sql``}
    order by n limit ${limit + 1}`
}
