import { AppError, httpErrors } from '../platform/http/errors'

/** Messaging's error codes. Anything a non-participant asks about is a plain 404 (never leak existence). */
export const messagingErrors = {
  conversationNotFound: () => httpErrors.notFound('Conversation not found'),
  participantNotFound: () => httpErrors.notFound('Participant not found'),
  messageNotFound: () => httpErrors.notFound('Message not found'),
  notOwner: () => httpErrors.forbidden('Only the group owner can change its participants'),
  notSender: () => httpErrors.forbidden('Only the sender can change a message'),
  invalid: (field: string, message: string) => httpErrors.validation([{ field, message }]),
  unknownParticipants: (ids: string[]) =>
    httpErrors.validation([{ field: 'participant_ids', code: 'unknown_user', message: `Unknown users: ${ids.join(', ')}` }], 'Unknown participant'),
  unknownUser: () => httpErrors.validation([{ field: 'user_id', code: 'unknown_user', message: 'Unknown user' }], 'Unknown participant'),
  notAGroup: () => new AppError(409, 'not_a_group', 'Participants of a direct conversation cannot change'),
  groupFull: (max: number) => new AppError(409, 'conversation_full', `A group has at most ${max} participants`),
  messageDeleted: () => new AppError(409, 'message_deleted', 'A deleted message cannot be edited'),
  idempotencyKeyReused: () => new AppError(422, 'idempotency_key_reused', 'This client_id was already used for a different message'),
  badCursor: () => httpErrors.validation([{ field: 'cursor', message: 'Invalid cursor' }]),
}
