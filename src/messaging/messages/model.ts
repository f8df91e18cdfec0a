import { t } from 'elysia'

const Uuid = t.String({ format: 'uuid' })
const DateTime = t.String({ format: 'date-time' })
/** Seqs are Postgres integers. */
export const MAX_SEQ = 2_147_483_647

export const MESSAGE_EXAMPLE = { id: 'd249d78f-06ef-4257-8df4-8f9001223344', conversation_id: 'e35ae890-17f0-4368-9e05-900122334455', seq: 3, sender_id: '0b7c6a52-3f1e-4b8a-9c2d-5e6f7a8b9c0d', body: 'Could you explain question 2 of the quiz?', client_id: 'web-7f3a9c', created_at: '2026-01-15T12:00:00.000Z', edited_at: null, deleted: false }

export const Message = t.Object(
  {
    id: Uuid,
    conversation_id: Uuid,
    seq: t.Integer({ minimum: 1, description: 'Position in the conversation: 1, 2, 3, ... with no gaps' }),
    sender_id: t.Nullable(Uuid),
    body: t.String({ description: 'Empty once deleted' }),
    client_id: t.Nullable(t.String()),
    created_at: DateTime,
    edited_at: t.Nullable(DateTime),
    deleted: t.Boolean(),
  },
  { title: 'Message', examples: [MESSAGE_EXAMPLE] },
)
export type Message = typeof Message.static

export const MessageEnvelope = t.Object({ message: Message }, { title: 'MessageEnvelope' })

export const SendMessageBody = t.Object({
  body: t.String({ minLength: 1, maxLength: 4000 }),
  client_id: t.Optional(t.String({ minLength: 1, maxLength: 255, description: 'Idempotency key chosen by the sending device' })),
}, { examples: [{ body: 'Could you explain question 2 of the quiz?', client_id: 'web-7f3a9c' }] })
export const SendMessageHeaders = t.Object({
  'idempotency-key': t.Optional(t.String({ minLength: 1, maxLength: 255, description: 'Used as client_id when the body has none' })),
}, { additionalProperties: true })
export const EditMessageBody = t.Object({ body: t.String({ minLength: 1, maxLength: 4000 }) }, { examples: [{ body: 'Could you explain question 2 of the quiz, please?' }] })

export const MessagesQuery = t.Object({
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: t.Optional(t.String({ description: "The previous page's next_cursor" })),
  before: t.Optional(t.Integer({ minimum: 1, maximum: MAX_SEQ, description: 'Newest first, only messages with a lower seq' })),
  after_seq: t.Optional(t.Integer({ minimum: 0, maximum: MAX_SEQ, description: 'Catch-up: oldest first, only messages with a higher seq' })),
})
export const Receipt = t.Object(
  {
    user_id: Uuid,
    status: t.Union([t.Literal('pending'), t.Literal('delivered'), t.Literal('read')]),
    delivered_at: t.Nullable(DateTime),
    read_at: t.Nullable(DateTime),
  },
  { title: 'Receipt' },
)
export type Receipt = typeof Receipt.static
const LISTED_EXAMPLE = {
  ...MESSAGE_EXAMPLE,
  receipts: [{ user_id: '1c8d7b63-4a2f-4c9b-8d3e-6f7a8b9c0d1e', status: 'read', delivered_at: '2026-01-15T12:00:02.000Z', read_at: '2026-01-15T12:01:10.000Z' }],
}
/** A message in a list: the caller's own messages also carry each recipient's receipt. */
export const ListedMessage = t.Composite(
  [Message, t.Object({ receipts: t.Optional(t.Array(Receipt, { description: "Only on the caller's own messages: one per recipient" })) })],
  { title: 'ListedMessage', examples: [LISTED_EXAMPLE] },
)
export const MessageList = t.Object({ items: t.Array(ListedMessage), next_cursor: t.Nullable(t.String()) }, { title: 'MessageList', examples: [{ items: [LISTED_EXAMPLE], next_cursor: null }] })

export const ReadBody = t.Object({ message_id: Uuid }, { examples: [{ message_id: 'd249d78f-06ef-4257-8df4-8f9001223344' }] })
export const ConversationParams = t.Object({ id: Uuid })
export const MessageParams = t.Object({ id: Uuid, message_id: Uuid })
