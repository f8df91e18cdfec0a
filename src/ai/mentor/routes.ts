import { Elysia } from 'elysia'
import type { Deps } from '../../platform/deps'
import { authGuard } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import { AiMessageList, ChatBody, ChatReply, ConversationList, IdParams, ListQuery, Usage } from './model'
import { chat, getUsage, listConversationMessages, listMyConversations } from './service'
import { chatStream } from './stream'

export function mentorRoutes(deps: Deps) {
  return new Elysia({ prefix: '/ai', tags: ['ai'] })
    .use(authGuard(deps))
    .post(
      '/chat',
      ({ auth, body, headers, request }) =>
        headers.accept?.includes('text/event-stream') ? chatStream(deps, auth.userId, body, request) : chat(deps, auth.userId, body),
      {
        auth: true,
        body: ChatBody,
        detail: {
          summary: 'Ask the AI mentor (JSON, or SSE with Accept: text/event-stream); counts against the daily quota',
        },
        response: { 200: ChatReply, ...errorResponses(401, 404, 422, 429, 503) },
      },
    )
    .get('/conversations', ({ auth, query }) => listMyConversations(deps, auth.userId, query), {
      auth: true,
      query: ListQuery,
      detail: { summary: 'My mentor conversations, most recently active first' },
      response: { 200: ConversationList, ...errorResponses(401, 422) },
    })
    .get('/conversations/:id/messages', ({ auth, params, query }) => listConversationMessages(deps, auth.userId, params.id, query), {
      auth: true,
      params: IdParams,
      query: ListQuery,
      detail: { summary: 'Messages of one of my mentor conversations, oldest first' },
      response: { 200: AiMessageList, ...errorResponses(401, 404, 422) },
    })
    .get('/usage', ({ auth }) => getUsage(deps, auth.userId), {
      auth: true,
      detail: { summary: 'My AI usage today: messages against the daily quota, and tokens' },
      response: { 200: Usage, ...errorResponses(401) },
    })
}
