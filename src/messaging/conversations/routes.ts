import { Elysia, t } from 'elysia'
import type { Deps } from '../../platform/deps'
import { authGuard } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import { ConversationParams } from '../messages/model'
import { AddParticipantBody, Conversation, ConversationList, CreateConversationBody, ListQuery, ParticipantParams } from './model'
import * as svc from './service'
import { takeUserToken } from '../../platform/http/user-limits'

export function conversationRoutes(deps: Deps) {
  return new Elysia({ prefix: '/conversations', tags: ['messaging'] })
    .use(authGuard(deps))
    .post(
      '',
      async ({ auth, body, set }) => {
        await takeUserToken(deps, 'conversations', auth.userId)
        const { created, conversation } = await svc.createConversation(deps, auth, body)
        set.status = created ? 201 : 200
        return conversation
      },
      {
        auth: true,
        body: CreateConversationBody,
        detail: { summary: 'Start a direct conversation (an existing one with the same user comes back with 200) or a group; LIMIT_CONVERSATIONS_PER_HOUR per user (429)' },
        response: { 200: Conversation, 201: Conversation, ...errorResponses(400, 401, 422, 429) },
      },
    )
    .get('', ({ auth, query }) => svc.listConversations(deps, auth.userId, query), {
      auth: true,
      query: ListQuery,
      detail: { summary: "The caller's conversations, newest activity first, with last_message and unread_count" },
      response: { 200: ConversationList, ...errorResponses(401, 422) },
    })
    .get('/:id', ({ auth, params }) => svc.getConversation(deps, auth.userId, params.id), {
      auth: true,
      params: ConversationParams,
      detail: { summary: 'One conversation (participants only)' },
      response: { 200: Conversation, ...errorResponses(401, 404, 422) },
    })
    .post('/:id/participants', async ({ auth, params, body }) => {
      await takeUserToken(deps, 'conversations', auth.userId)
      return svc.addParticipant(deps, auth, params.id, body.user_id)
    }, {
      auth: true,
      params: ConversationParams,
      body: AddParticipantBody,
      detail: { summary: 'Add a user to a group (its owner only); answers the updated conversation; counts against LIMIT_CONVERSATIONS_PER_HOUR' },
      response: { 200: Conversation, ...errorResponses(400, 401, 403, 404, 409, 422, 429) },
    })
    .delete(
      '/:id/participants/:user_id',
      async ({ auth, params, set }) => {
        await svc.removeParticipant(deps, auth, params.id, params.user_id)
        set.status = 204
      },
      {
        auth: true,
        params: ParticipantParams,
        detail: { summary: 'Remove a participant from a group (its owner), or leave it (anyone, removing themself)' },
        response: { 204: t.Void(), ...errorResponses(401, 403, 404, 409, 422) },
      },
    )
}
