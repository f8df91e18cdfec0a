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
export const CourseConversationList = t.Object({ items: t.Array(CourseConversation), next_cursor: t.Nullable(t.String()) }, { title: 'CourseAiConversationList', examples: [{ items: [{ id: '07c70ab1-3912-458a-9027-b12334455667', course_id: '2d9e8c74-5b3a-4dac-9e4f-7a8b9c0d1e2f', user: { id: '4f0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d', display_name: 'Sam Student', avatar_url: null }, title: 'Explain lesson 1 please', messages_count: 2, visible_to_instructors: true, created_at: '2026-01-15T13:00:00.000Z', updated_at: '2026-01-15T13:00:05.000Z' }], next_cursor: null }] })
export const CourseConversationDetail = t.Composite([CourseConversation, t.Object({ messages: t.Array(AiMessage) })], {
  title: 'CourseAiConversationDetail',
  examples: [{ id: '07c70ab1-3912-458a-9027-b12334455667', course_id: '2d9e8c74-5b3a-4dac-9e4f-7a8b9c0d1e2f', user: { id: '4f0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d', display_name: 'Sam Student', avatar_url: null }, title: 'Explain lesson 1 please', messages_count: 2, visible_to_instructors: true, created_at: '2026-01-15T13:00:00.000Z', updated_at: '2026-01-15T13:00:05.000Z', messages: [
    { id: '18d81bc2-4a23-469b-8138-c23445566778', role: 'user', content: 'Explain lesson 1 please', status: 'complete', provider: null, created_at: '2026-01-15T13:00:00.000Z' },
    { id: '29e92cd3-5b34-47ac-9249-d34556677889', role: 'assistant', content: 'What do you already know about it?', status: 'complete', provider: 'offline', created_at: '2026-01-15T13:00:05.000Z' },
  ] }],
})

export const CourseParams = t.Object({ id: t.String({ format: 'uuid' }) })
export const ConversationParams = t.Object({ id: t.String({ format: 'uuid' }), conversation_id: t.String({ format: 'uuid' }) })
export const ListQuery = t.Object({ limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })), cursor: t.Optional(t.String()) })
