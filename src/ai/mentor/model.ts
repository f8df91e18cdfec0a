import { t } from 'elysia'

export const ChatBody = t.Object({
  message: t.String({ minLength: 1, maxLength: 4000 }),
  conversation_id: t.Optional(t.String({ format: 'uuid' })),
  course_id: t.Optional(t.String({ format: 'uuid', description: 'Focus the mentor on this course' })),
}, { examples: [{ message: 'What should I study next?', course_id: '2d9e8c74-5b3a-4dac-9e4f-7a8b9c0d1e2f' }] })
export const ChatReply = t.Object(
  {
    conversation_id: t.String({ format: 'uuid' }),
    reply: t.String(),
    provider: t.String({ description: '`openai` or `offline`' }),
    message_id: t.String({ format: 'uuid' }),
  },
  {
    title: 'ChatReply',
    examples: [{ conversation_id: '07c70ab1-3912-458a-9027-b12334455667', reply: 'You finished 1 of 2 lessons of Introduction to Lyceum: “How quizzes work” is next.', provider: 'offline', message_id: '18d81bc2-4a23-469b-8138-c23445566778' }],
    description:
      'With `Accept: text/event-stream` the reply streams as SSE instead: `data: {"conversation_id","provider"}`, then `data: {"delta"}` frames, then `data: [DONE]`; a failure mid-stream is sent as `event: error` with `data: {"code","message"}`.',
  },
)
export const Conversation = t.Object(
  {
    id: t.String({ format: 'uuid' }), course_id: t.Nullable(t.String()), title: t.String(), created_at: t.Date(), updated_at: t.Date(),
    visible_to_instructors: t.Boolean({ description: "true when tied to a course (course_id set): that course's instructors can read it (every read is audited)" }),
  },
  { title: 'AiConversation', examples: [{ id: '07c70ab1-3912-458a-9027-b12334455667', course_id: null, title: 'What should I study next?', created_at: '2026-01-15T13:00:00.000Z', updated_at: '2026-01-15T13:00:05.000Z', visible_to_instructors: false }] },
)
export const ConversationList = t.Object({ items: t.Array(Conversation), next_cursor: t.Nullable(t.String()) })
export const AiMessage = t.Object(
  {
    id: t.String({ format: 'uuid' }),
    role: t.Union([t.Literal('user'), t.Literal('assistant')]),
    content: t.String(),
    status: t.Union([t.Literal('complete'), t.Literal('interrupted')]),
    provider: t.Nullable(t.String()),
    created_at: t.Date(),
  },
  { title: 'AiMessage', examples: [{ id: '18d81bc2-4a23-469b-8138-c23445566778', role: 'assistant', content: '“How quizzes work” is next.', status: 'complete', provider: 'offline', created_at: '2026-01-15T13:00:05.000Z' }] },
)
export const AiMessageList = t.Object({ items: t.Array(AiMessage), next_cursor: t.Nullable(t.String()) })
export const ListQuery = t.Object({ limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })), cursor: t.Optional(t.String()) })
export const IdParams = t.Object({ id: t.String({ format: 'uuid' }) })
export const Usage = t.Object(
  {
    day: t.String({ format: 'date', description: 'UTC day' }),
    messages: t.Integer({ description: 'AI messages sent today (mentor and scenario turns)' }),
    daily_limit: t.Integer({ description: 'AI_DAILY_MESSAGES' }),
    remaining: t.Integer(),
    prompt_tokens: t.Integer(),
    completion_tokens: t.Integer(),
    provider: t.String({ description: '`openai` or `offline`' }),
  },
  { title: 'AiUsage', examples: [{ day: '2026-01-15', messages: 3, daily_limit: 50, remaining: 47, prompt_tokens: 1830, completion_tokens: 240, provider: 'offline' }] },
)
