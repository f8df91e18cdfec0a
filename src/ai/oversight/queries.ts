import type { Tx } from '../../platform/db'
import type { ConversationRow, MessageRow } from '../mentor/queries'

/** Mentor conversations tied to a course, most recently active first, with their message counts. */
export async function listCourseConversations(sql: Tx, courseId: string, limit: number, after: { at: Date; id: string } | null) {
  return sql<(ConversationRow & { messages_count: number })[]>`
    select c.id, c.user_id, c.course_id, c.title, c.created_at, c.updated_at,
      (select count(*)::int from ai_messages m where m.conversation_id = c.id) as messages_count
    from ai_conversations c
    where c.course_id = ${courseId} ${after ? sql`and (c.updated_at, c.id) < (${after.at}, ${after.id})` : sql``}
    order by c.updated_at desc, c.id desc limit ${limit + 1}`
}

/** One conversation of the course (null when it is not tied to this course). */
export async function findCourseConversation(sql: Tx, courseId: string, id: string) {
  const [row] = await sql<ConversationRow[]>`
    select id, user_id, course_id, title, created_at, updated_at from ai_conversations where id = ${id} and course_id = ${courseId}`
  return row ?? null
}

/** The whole transcript, oldest first (capped: a transcript is read, not paged). */
export async function transcript(sql: Tx, conversationId: string) {
  return sql<MessageRow[]>`
    select id, role, content, status, provider, created_at from ai_messages where conversation_id = ${conversationId} order by n limit 1000`
}
