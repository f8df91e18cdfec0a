import type { Deps } from '../../platform/deps'
import { aiProvider, type AiMessage, type AiUsage } from '../../platform/ai'
import { findCourseTitles } from '../../courses/public'
import { httpErrors } from '../../platform/http/errors'
import { decodeCursor, decodeKeyset, encodeCursor, keysetPage, page } from '../../platform/http/cursor'
import { aiErrors } from '../errors'
import { learnerSnapshot, mentorSystemPrompt, offlineMentorReply, trimHistory } from '../shared/context'
import { recordTokens, refundQuota, reserveQuota, usageToday } from '../shared/usage'
import * as q from './queries'
import type { ChatBody } from './model'

type MentorDeps = Pick<Deps, 'sql' | 'config' | 'log'>
/** Tokens of conversation history sent with each message (newest kept). */
export const HISTORY_TOKEN_BUDGET = 3000

export type PreparedChat = {
  userId: string
  conversationId: string
  courseId: string | null
  message: string
  messages: AiMessage[]
  offline: () => string
}

/**
 * Everything that can fail before the provider is called: ownership (404), the course (404),
 * the context and the quota (429). The conversation id is chosen now so SSE can announce it.
 */
export async function prepareChat(deps: MentorDeps, userId: string, body: typeof ChatBody.static): Promise<PreparedChat> {
  const conv = body.conversation_id ? await q.findConversation(deps.sql, body.conversation_id) : null
  if (body.conversation_id && (!conv || conv.user_id !== userId)) throw aiErrors.conversationNotFound()
  const courseId = body.course_id ?? conv?.course_id ?? null
  if (body.course_id && !(await findCourseTitles(deps.sql, [body.course_id])).has(body.course_id)) throw httpErrors.notFound('Course not found')
  const snapshot = await learnerSnapshot(deps.sql, userId, courseId)
  const history = conv ? await q.recentMessages(deps.sql, conv.id) : []
  const messages: AiMessage[] = [
    { role: 'system', content: mentorSystemPrompt(snapshot) },
    ...trimHistory(history, HISTORY_TOKEN_BUDGET),
    { role: 'user', content: body.message },
  ]
  await reserveQuota(deps, userId)
  return {
    userId,
    conversationId: conv?.id ?? crypto.randomUUID(),
    courseId,
    message: body.message,
    messages,
    offline: () => offlineMentorReply(snapshot, body.message),
  }
}

/** Stores the learner's message and the reply (complete or interrupted) in one transaction. */
export async function storeExchange(
  deps: Pick<Deps, 'sql'>,
  chat: PreparedChat,
  reply: { text: string; status: 'complete' | 'interrupted'; provider: string; usage: AiUsage },
) {
  return deps.sql.begin(async (tx) => {
    await q.upsertConversation(tx, { id: chat.conversationId, userId: chat.userId, courseId: chat.courseId, title: chat.message.replace(/\s+/g, ' ').slice(0, 80) })
    await q.insertMessage(tx, { conversationId: chat.conversationId, role: 'user', content: chat.message })
    const msg = await q.insertMessage(tx, { conversationId: chat.conversationId, role: 'assistant', content: reply.text, status: reply.status, provider: reply.provider, usage: reply.usage })
    await recordTokens(tx, chat.userId, reply.usage)
    return msg
  })
}

/** POST /ai/chat without streaming: nothing is stored when the provider fails. */
export async function chat(deps: MentorDeps, userId: string, body: typeof ChatBody.static) {
  const prepared = await prepareChat(deps, userId, body)
  const provider = aiProvider(deps.config)
  let res
  try {
    res = await provider.complete({ messages: prepared.messages, offline: prepared.offline })
  } catch (err) {
    await refundQuota(deps, userId)
    throw err
  }
  const msg = await storeExchange(deps, prepared, { text: res.text, status: 'complete', provider: res.provider, usage: res.usage })
  return { conversation_id: prepared.conversationId, reply: res.text, provider: res.provider, message_id: msg.id }
}

export async function listMyConversations(deps: Pick<Deps, 'sql'>, userId: string, query: { limit?: number; cursor?: string }) {
  const limit = query.limit ?? 20
  const rows = await q.listConversations(deps.sql, userId, limit, decodeKeyset(query.cursor))
  const { items, next_cursor } = keysetPage(rows, limit, (r) => ({ at: r.updated_at, id: r.id }))
  return { items: items.map(({ user_id: _, ...c }) => ({ ...c, visible_to_instructors: c.course_id !== null })), next_cursor }
}

/** Messages page by their insertion counter `n` (a bigint, so kept as a string). */
type SeqCursor = { n: string }
const isSeqCursor = (v: any): v is SeqCursor => typeof v?.n === 'string' && /^\d{1,18}$/.test(v.n)

export async function listConversationMessages(deps: Pick<Deps, 'sql'>, userId: string, id: string, query: { limit?: number; cursor?: string }) {
  const conv = await q.findConversation(deps.sql, id)
  if (!conv || conv.user_id !== userId) throw aiErrors.conversationNotFound()
  const limit = query.limit ?? 50
  const after = query.cursor ? decodeCursor(query.cursor, isSeqCursor).n : null
  const rows = await q.listMessages(deps.sql, id, limit, after)
  const { items, next_cursor } = page(rows, limit, (last) => encodeCursor({ n: last.n } satisfies SeqCursor))
  return { items: items.map(({ n: _, ...m }) => m), next_cursor }
}

/** Today's quota use and tokens of the learner. */
export const getUsage = (deps: Pick<Deps, 'sql' | 'config'>, userId: string) => usageToday(deps, userId)
