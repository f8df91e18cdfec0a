import { t } from 'elysia'
import { AiMessage } from '../mentor/model'

const PublicUser = t.Object({ id: t.String({ format: 'uuid' }), display_name: t.String(), avatar_url: t.Nullable(t.String()) })

export const CourseConversation = t.Object({
  id: t.String({ format: 'uuid' }),
  course_id: t.String({ format: 'uuid' }),
  user: PublicUser,
  title: t.String(),
  messages_count: t.Integer(),
  visible_to_instructors: t.Literal(true),
  created_at: t.Date(),
  updated_at: t.Date(),
}, { title: 'CourseAiConversation' })
export const CourseConversationList = t.Object({ items: t.Array(CourseConversation), next_cursor: t.Nullable(t.String()) }, { title: 'CourseAiConversationList' })
export const CourseConversationDetail = t.Composite([CourseConversation, t.Object({ messages: t.Array(AiMessage) })], { title: 'CourseAiConversationDetail' })

export const CourseParams = t.Object({ id: t.String({ format: 'uuid' }) })
export const ConversationParams = t.Object({ id: t.String({ format: 'uuid' }), conversation_id: t.String({ format: 'uuid' }) })
export const ListQuery = t.Object({ limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })), cursor: t.Optional(t.String()) })
