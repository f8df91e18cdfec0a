import { t } from 'elysia'
import { MESSAGE_EXAMPLE, Message } from '../messages/model'

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
  {
    title: 'Conversation',
    examples: [{
      id: 'e35ae890-17f0-4368-9e05-900122334455', type: 'direct', name: null, owner_id: null,
      participants: [{ id: '0b7c6a52-3f1e-4b8a-9c2d-5e6f7a8b9c0d', display_name: 'Zoë Student', avatar_url: null }, { id: '1c8d7b63-4a2f-4c9b-8d3e-6f7a8b9c0d1e', display_name: 'Ivan Instructor', avatar_url: null }],
      last_message: MESSAGE_EXAMPLE, unread_count: 0, created_at: '2026-01-15T11:50:00.000Z', last_activity_at: '2026-01-15T12:00:00.000Z',
    }],
  },
)
export type Conversation = typeof Conversation.static

export const CreateConversationBody = t.Object({
  type: t.Union([t.Literal('direct'), t.Literal('group')]),
  participant_ids: t.Array(Uuid, { maxItems: MAX_GROUP_OTHERS, description: 'The other users (direct: exactly one)' }),
  name: t.Optional(t.Nullable(t.String({ minLength: 1, maxLength: 100 }))),
}, { examples: [{ type: 'direct', participant_ids: ['1c8d7b63-4a2f-4c9b-8d3e-6f7a8b9c0d1e'] }] })
export const ConversationList = t.Object({ items: t.Array(Conversation), next_cursor: t.Nullable(t.String()) }, { title: 'ConversationList' })
export const ListQuery = t.Object({
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: t.Optional(t.String()),
})
export const AddParticipantBody = t.Object({ user_id: Uuid }, { examples: [{ user_id: '1c8d7b63-4a2f-4c9b-8d3e-6f7a8b9c0d1e' }] })
export const ParticipantParams = t.Object({ id: Uuid, user_id: Uuid })
