import { t } from 'elysia'

export const ChatBody = t.Object({
  message: t.String({ minLength: 1, maxLength: 4000 }),
  conversation_id: t.Optional(t.String({ format: 'uuid' })),
  course_id: t.Optional(t.String({ format: 'uuid', description: 'Focus the mentor on this course' })),
})
export const ChatReply = t.Object(
  {
    conversation_id: t.String({ format: 'uuid' }),
    reply: t.String(),
    provider: t.String({ description: '`openai` or `offline`' }),
    message_id: t.String({ format: 'uuid' }),
  },
  {
    title: 'ChatReply',
    description:
      'With `Accept: text/event-stream` the reply streams as SSE instead: `data: {"conversation_id","provider"}`, then `data: {"delta"}` frames, then `data: [DONE]`; a failure mid-stream is sent as `event: error` with `data: {"code","message"}`.',
  },
)
export const Conversation = t.Object(
  { id: t.String({ format: 'uuid' }), course_id: t.Nullable(t.String()), title: t.String(), created_at: t.Date(), updated_at: t.Date() },
  { title: 'AiConversation' },
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
  { title: 'AiMessage' },
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
  { title: 'AiUsage' },
)
