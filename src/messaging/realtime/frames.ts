import { t } from 'elysia'

const Uuid = t.String({ format: 'uuid' })
const CONVERSATION = 'e35ae890-17f0-4368-9e05-900122334455'
const MESSAGE = 'd249d78f-06ef-4257-8df4-8f9001223344'

/** Client → server frame data (SPEC §6); the hub answers `error bad_frame` when they do not match. */
export const AckFrame = t.Object({ message_id: Uuid }, { description: 'This device stored the message: the sender gets delivery_ack', examples: [{ message_id: MESSAGE }] })
export const ReadFrame = t.Object({ conversation_id: Uuid, message_id: Uuid }, { description: 'Read up to this message: the others get read_receipt', examples: [{ conversation_id: CONVERSATION, message_id: MESSAGE }] })
export const TypingFrame = t.Object({ conversation_id: Uuid }, { description: 'typing: resend every ~3 s while typing (expires after 5 s); typing_stop: stopped', examples: [{ conversation_id: CONVERSATION }] })
/** At most this many conversations per `resume` frame (SPEC §12); more → `error bad_frame`. */
export const RESUME_MAX_CONVERSATIONS = 50
export const ResumeFrame = t.Object({
  conversations: t.Array(t.Object({ conversation_id: Uuid, after_seq: t.Integer({ minimum: 0, maximum: 2_147_483_647 }) }), { minItems: 1, maxItems: RESUME_MAX_CONVERSATIONS }),
}, { description: 'Replay what came after after_seq in each conversation (at most 500 messages each; costs one frame token per conversation); each ends with resumed', examples: [{ conversations: [{ conversation_id: CONVERSATION, after_seq: 2 }] }] })
