import { t } from 'elysia'

const Uuid = t.String({ format: 'uuid' })

/** Client → server frame data (SPEC §6); the hub answers `error bad_frame` when they do not match. */
export const AckFrame = t.Object({ message_id: Uuid })
export const ReadFrame = t.Object({ conversation_id: Uuid, message_id: Uuid })
export const TypingFrame = t.Object({ conversation_id: Uuid })
export const ResumeFrame = t.Object({
  conversations: t.Array(t.Object({ conversation_id: Uuid, after_seq: t.Integer({ minimum: 0, maximum: 2_147_483_647 }) }), { minItems: 1, maxItems: 100 }),
})
