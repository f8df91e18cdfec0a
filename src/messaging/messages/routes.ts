import { Elysia, t } from 'elysia'
import type { Deps } from '../../platform/deps'
import { authGuard } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import { ConversationParams, EditMessageBody, MessageEnvelope, MessageList, MessageParams, MessagesQuery, ReadBody, SendMessageBody, SendMessageHeaders } from './model'
import * as svc from './service'
import { takeUserToken } from '../../platform/http/user-limits'

export function messageRoutes(deps: Deps) {
  return new Elysia({ prefix: '/conversations/:id', tags: ['messaging'] })
    .use(authGuard(deps))
    .post(
      '/messages',
      async ({ auth, params, body, headers, set }) => {
        const clientId = body.client_id ?? headers['idempotency-key']
        await takeUserToken(deps, 'messages', auth.userId)
        const { created, message } = await svc.sendMessage(deps, auth.userId, params.id, { body: body.body, client_id: clientId })
        set.status = created ? 201 : 200
        return { message }
      },
      {
        auth: true,
        params: ConversationParams,
        body: SendMessageBody,
        headers: SendMessageHeaders,
        detail: { summary: 'Send a message; the same client_id (or Idempotency-Key) from the same sender answers the same message with 200; LIMIT_MESSAGES_PER_MIN per user (429 rate_limited)' },
        response: { 200: MessageEnvelope, 201: MessageEnvelope, ...errorResponses(400, 401, 404, 422, 429) },
      },
    )
    .get('/messages', ({ auth, params, query }) => svc.listMessages(deps, auth.userId, params.id, query), {
      auth: true,
      params: ConversationParams,
      query: MessagesQuery,
      detail: { summary: 'Messages newest first (cursor/before), or oldest first from after_seq (catch-up)' },
      response: { 200: MessageList, ...errorResponses(401, 404, 422) },
    })
    .patch(
      '/messages/:message_id',
      async ({ auth, params, body }) => ({ message: await svc.editMessage(deps, auth.userId, params.id, params.message_id, body.body) }),
      {
        auth: true,
        params: MessageParams,
        body: EditMessageBody,
        detail: { summary: 'Edit a message (its sender only); pushes message_updated' },
        response: { 200: MessageEnvelope, ...errorResponses(400, 401, 403, 404, 409, 422) },
      },
    )
    .delete(
      '/messages/:message_id',
      async ({ auth, params, set }) => {
        await svc.deleteMessage(deps, auth.userId, params.id, params.message_id)
        set.status = 204
      },
      {
        auth: true,
        params: MessageParams,
        detail: { summary: 'Delete a message (its sender only): the body is blanked, deleted: true; pushes message_updated' },
        response: { 204: t.Void(), ...errorResponses(401, 403, 404, 422) },
      },
    )
    .post(
      '/read',
      async ({ auth, params, body, set }) => {
        await svc.markRead(deps, auth.userId, params.id, body.message_id)
        set.status = 204
      },
      {
        auth: true,
        params: ConversationParams,
        body: ReadBody,
        detail: { summary: 'Mark the conversation read up to a message; others get read_receipt' },
        response: { 204: t.Void(), ...errorResponses(400, 401, 404, 422) },
      },
    )
}
