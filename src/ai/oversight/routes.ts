import { Elysia } from 'elysia'
import type { Deps } from '../../platform/deps'
import { authGuard } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import { ConversationParams, CourseConversationDetail, CourseConversationList, CourseParams, ListQuery } from './model'
import { listCourseConversations, readCourseConversation } from './service'

/** Course owners' view of the mentor conversations tied to their course (SPEC §14); every read is audited. */
export function oversightRoutes(deps: Deps) {
  return new Elysia({ prefix: '/courses/:id/ai-conversations', tags: ['ai'] })
    .use(authGuard(deps))
    .get('', ({ auth, params, query }) => listCourseConversations(deps, params.id, auth, query), {
      auth: true,
      params: CourseParams,
      query: ListQuery,
      detail: { summary: "Mentor conversations learners held about this course (owner or admin), most recently active first; the read is audited (ai_transcript_read)" },
      response: { 200: CourseConversationList, ...errorResponses(401, 403, 404, 422) },
    })
    .get('/:conversation_id', ({ auth, params }) => readCourseConversation(deps, params.id, params.conversation_id, auth), {
      auth: true,
      params: ConversationParams,
      detail: { summary: 'One mentor conversation of this course with its messages (owner or admin); the read is audited (ai_transcript_read)' },
      response: { 200: CourseConversationDetail, ...errorResponses(401, 403, 404, 422) },
    })
}
