import type { Deps } from '../../platform/deps'
import type { AuthContext } from '../../platform/http/auth'
import { recordAudit } from '../../platform/audit'
import { decodeKeyset, keysetPage } from '../../platform/http/cursor'
import { courseForOwner } from '../../courses/public'
import { findPublicUsers, type PublicUser } from '../../accounts/public'
import { aiErrors } from '../errors'
import type { ConversationRow } from '../mentor/queries'
import * as q from './queries'

const deleted = (id: string): PublicUser => ({ id, display_name: 'Deleted user', avatar_url: null })

const view = (c: ConversationRow & { messages_count: number }, users: Map<string, PublicUser>) => ({
  id: c.id, course_id: c.course_id!, user: users.get(c.user_id) ?? deleted(c.user_id), title: c.title,
  messages_count: c.messages_count, visible_to_instructors: true as const, created_at: c.created_at, updated_at: c.updated_at,
})

/**
 * The course owner's list of mentor conversations learners held about the course. Reading
 * learners' AI use is audited (`ai_transcript_read`, subject the course) for admins.
 */
export async function listCourseConversations(deps: Pick<Deps, 'sql'>, courseId: string, auth: AuthContext, query: { limit?: number; cursor?: string }) {
  const course = await courseForOwner(deps.sql, courseId, auth)
  const limit = query.limit ?? 20
  const rows = await q.listCourseConversations(deps.sql, course.id, limit, decodeKeyset(query.cursor))
  const { items, next_cursor } = keysetPage(rows, limit, (r) => ({ at: r.updated_at, id: r.id }))
  await recordAudit(deps.sql, { kind: 'ai_transcript_read', actorId: auth.userId, subjectType: 'course', subjectId: course.id, data: { course_id: course.id, conversation_ids: items.map((c) => c.id) } })
  const users = await findPublicUsers(deps.sql, items.map((c) => c.user_id))
  return { items: items.map((c) => view(c, users)), next_cursor }
}

/** One transcript of the course, with its messages; the read is audited (subject the conversation). */
export async function readCourseConversation(deps: Pick<Deps, 'sql'>, courseId: string, conversationId: string, auth: AuthContext) {
  const course = await courseForOwner(deps.sql, courseId, auth)
  const conv = await q.findCourseConversation(deps.sql, course.id, conversationId)
  if (!conv) throw aiErrors.conversationNotFound()
  const messages = await q.transcript(deps.sql, conv.id)
  await recordAudit(deps.sql, { kind: 'ai_transcript_read', actorId: auth.userId, subjectType: 'ai_conversation', subjectId: conv.id, data: { course_id: course.id, learner_id: conv.user_id } })
  const users = await findPublicUsers(deps.sql, [conv.user_id])
  return { ...view({ ...conv, messages_count: messages.length }, users), messages }
}
