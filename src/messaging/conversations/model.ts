import { t } from 'elysia'
import { Message } from '../messages/model'

const Uuid = t.String({ format: 'uuid' })
export const MAX_GROUP_OTHERS = 255

// Same shape as accounts' PublicUser (model files import only elysia).
const Participant = t.Object({ id: Uuid, display_name: t.String(), avatar_url: t.Nullable(t.String()) }, { title: 'PublicUser' })

export const Conversation = t.Object(
  {
    id: Uuid,
    type: t.Union([t.Literal('direct'), t.Literal('group')]),
    name: t.Nullable(t.String()),
    owner_id: t.Nullable(Uuid),
    participants: t.Array(Participant),
    last_message: t.Nullable(Message),
    unread_count: t.Integer({ minimum: 0, description: "Others' messages after the caller's read position" }),
    created_at: t.String({ format: 'date-time' }),
    last_activity_at: t.String({ format: 'date-time' }),
  },
  { title: 'Conversation' },
)
export type Conversation = typeof Conversation.static

export const CreateConversationBody = t.Object({
  type: t.Union([t.Literal('direct'), t.Literal('group')]),
  participant_ids: t.Array(Uuid, { maxItems: MAX_GROUP_OTHERS, description: 'The other users (direct: exactly one)' }),
  name: t.Optional(t.Nullable(t.String({ minLength: 1, maxLength: 100 }))),
})
export const ConversationList = t.Object({ items: t.Array(Conversation), next_cursor: t.Nullable(t.String()) }, { title: 'ConversationList' })
export const ListQuery = t.Object({
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: t.Optional(t.String()),
})
export const AddParticipantBody = t.Object({ user_id: Uuid })
export const ParticipantParams = t.Object({ id: Uuid, user_id: Uuid })
