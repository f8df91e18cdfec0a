/**
 * Server → client frames (SPEC §6, §13). Every frame is `{type, data}`; each `data` has a
 * TypeBox schema here, which types `hub.publish` and `frame()` and feeds the AsyncAPI document
 * (/asyncapi.json). Domains publish through the hub with these names.
 */
import { t, type Static } from 'elysia'

const Uuid = t.String({ format: 'uuid' })
const DateTime = t.String({ format: 'date-time' })
const HasMore = t.Optional(t.Boolean({ description: 'true when the server has more of these to send after this one' }))
const STUDENT = '0b7c6a52-3f1e-4b8a-9c2d-5e6f7a8b9c0d'
const INSTRUCTOR = '1c8d7b63-4a2f-4c9b-8d3e-6f7a8b9c0d1e'
const CONVERSATION = 'e35ae890-17f0-4368-9e05-900122334455'
const MESSAGE = 'd249d78f-06ef-4257-8df4-8f9001223344'

/** The message resource (SPEC §11), as frames carry it; same fields as the REST `Message`. */
export const MessageData = t.Object(
  {
    id: Uuid,
    conversation_id: Uuid,
    seq: t.Integer({ minimum: 1, description: 'Position in the conversation: 1, 2, 3, ... with no gaps' }),
    sender_id: t.Union([Uuid, t.Null()]),
    body: t.String({ description: 'Empty once deleted' }),
    client_id: t.Union([t.String(), t.Null()]),
    created_at: DateTime,
    edited_at: t.Union([DateTime, t.Null()]),
    deleted: t.Boolean(),
  },
  {
    title: 'Message',
    examples: [{ id: MESSAGE, conversation_id: CONVERSATION, seq: 3, sender_id: STUDENT, body: 'Could you explain question 2 of the quiz?', client_id: 'web-7f3a9c', created_at: '2026-01-15T12:00:00.000Z', edited_at: null, deleted: false }],
  },
)

const Payload = (description: string) => t.Unknown({ description })
const notification = <K extends string, P extends Record<string, ReturnType<typeof t.Unknown> | ReturnType<typeof t.String> | ReturnType<typeof t.Boolean>>>(kind: K, props: P, description: string) =>
  t.Object({ kind: t.Literal(kind), ...props }, { description })

/** `notification` data: one shape per kind (SPEC §11 "notification data"). */
export const NotificationData = t.Union(
  [
    notification('mentor_insight', { insight: Payload('The insight, as GET /me/insights lists it') }, 'The AI mentor wrote an insight'),
    notification('certificate_issued', { certificate: Payload('The certificate, as GET /me/certificates lists it') }, 'A certificate was issued'),
    notification('order_status', { order_id: Uuid, status: t.String({ description: 'The new order status' }) }, "An order's status changed"),
    notification('file_ready', { file: Payload('The file, as GET /files/:id returns it') }, "An image's variants are ready"),
    notification('achievement_unlocked', { achievement: Payload('The achievement {key, title, description, unlocked_at}') }, 'An achievement was unlocked'),
    notification('scenario_message', { session_id: Uuid, message: Payload('The persona message {id, role, body, created_at}') }, 'A scenario persona answered'),
    notification('quiz_regraded', { quiz_id: Uuid, attempt_id: Uuid, passed: t.Boolean({ description: "The learner's outcome under the grading policy after the regrade" }) }, "A regrade changed the learner's attempts (attempt_id: the one that counts)"),
  ],
  { title: 'Notification', examples: [{ kind: 'order_status', order_id: 'b027b56d-e4cd-4035-8bd2-6d7e8f900112', status: 'paid' }] },
)

/** Every server → client frame type with the schema of its `data`. */
export const ServerFrames = {
  hello: t.Object(
    { user_id: Uuid, connection_id: t.String(), online_user_ids: t.Array(Uuid, { description: 'Users sharing a conversation with you who are online now' }) },
    { description: 'First frame on every connection', examples: [{ user_id: STUDENT, connection_id: 'c-5f2a9d', online_user_ids: [INSTRUCTOR] }] },
  ),
  pong: t.Object({ ts: t.Optional(t.Number()) }, { description: 'Answer to ping', examples: [{}] }),
  error: t.Object(
    { code: t.String({ description: '`bad_frame`, `forbidden`, `rate_limited`, `not_found`, `internal`; the socket stays open' }), message: t.String() },
    { description: 'A frame was refused', examples: [{ code: 'bad_frame', message: 'Unknown frame type: tpying' }] },
  ),
  message: t.Composite([MessageData], { description: 'A new message, to every device of every participant (the sender too); dedupe by id', examples: MessageData.examples }),
  message_updated: t.Composite([MessageData], { description: 'A message was edited or deleted (deleted: true, body empty)', examples: MessageData.examples }),
  delivery_ack: t.Object(
    { message_id: Uuid, user_id: Uuid, status: t.Literal('delivered'), has_more: HasMore },
    { description: 'To the sender: a recipient device stored the message', examples: [{ message_id: MESSAGE, user_id: INSTRUCTOR, status: 'delivered' }] },
  ),
  read_receipt: t.Object(
    { conversation_id: Uuid, user_id: Uuid, message_id: Uuid, has_more: HasMore },
    { description: 'To the other participants: a user read up to this message', examples: [{ conversation_id: CONVERSATION, user_id: INSTRUCTOR, message_id: MESSAGE }] },
  ),
  typing: t.Object({ user_id: Uuid, conversation_id: Uuid }, { description: 'Someone is typing (expires after 5 s)', examples: [{ user_id: INSTRUCTOR, conversation_id: CONVERSATION }] }),
  typing_stop: t.Object({ user_id: Uuid, conversation_id: Uuid }, { description: 'Someone stopped typing', examples: [{ user_id: INSTRUCTOR, conversation_id: CONVERSATION }] }),
  presence: t.Object(
    { user_id: Uuid, status: t.Union([t.Literal('online'), t.Literal('offline')]) },
    { description: 'To users sharing a conversation: online while any device is connected', examples: [{ user_id: INSTRUCTOR, status: 'online' }] },
  ),
  resumed: t.Object(
    {
      conversation_id: Uuid,
      seq: t.Integer({ minimum: 0, description: 'The highest seq replayed (or the latest of the conversation)' }),
      has_more: t.Boolean({ description: 'true when more than 500 messages followed after_seq: resume again from seq, or page with GET …/messages?after_seq=' }),
    },
    { description: "End of a resume replay for one conversation (after its messages, message_updated and the replayed receipts of the caller's own messages)", examples: [{ conversation_id: CONVERSATION, seq: 3, has_more: false }] },
  ),
  notification: NotificationData,
}

export type ServerEventType = keyof typeof ServerFrames
export type ServerEventMap = { [K in ServerEventType]: Static<(typeof ServerFrames)[K]> }
export type HelloData = ServerEventMap['hello']
export type ErrorFrameData = ServerEventMap['error']
export type NotificationKind = ServerEventMap['notification']['kind']
export type ServerFrame<K extends ServerEventType = ServerEventType> = { type: K; data: ServerEventMap[K] }

export function frame<K extends ServerEventType>(type: K, data: ServerEventMap[K]): string {
  return JSON.stringify({ type, data })
}
