import type { Deps } from '../../platform/deps'
import { messagingErrors } from '../errors'
import { findParticipantIds } from '../conversations/queries'

export const TYPING_EXPIRE_MS = 5_000

/**
 * Typing indicators. A Redis key per (conversation, user) lives 5 s from the latest `typing`
 * on any replica; the replica that relayed a `typing` checks the key when its timer fires and
 * sends `typing_stop` once nobody refreshed it.
 */
export function createTyping(deps: Pick<Deps, 'redis' | 'keys' | 'sql' | 'hub'>, expireMs = TYPING_EXPIRE_MS) {
  const timers = new Map<string, ReturnType<typeof setTimeout>>()
  const keyOf = (conversationId: string, userId: string) => deps.keys('typing', conversationId, userId)

  const othersIn = async (conversationId: string, userId: string) => {
    const ids = await findParticipantIds(deps.sql, conversationId)
    if (!ids.includes(userId)) throw messagingErrors.conversationNotFound()
    return ids.filter((id) => id !== userId)
  }

  const clear = (k: string) => {
    const timer = timers.get(k)
    if (timer) clearTimeout(timer)
    timers.delete(k)
  }

  const schedule = (conversationId: string, userId: string, ms: number) => {
    const k = `${conversationId}:${userId}`
    clear(k)
    const timer = setTimeout(() => void expire(conversationId, userId).catch(() => {}), ms)
    timer.unref?.()
    timers.set(k, timer)
  }

  async function expire(conversationId: string, userId: string) {
    timers.delete(`${conversationId}:${userId}`)
    if (!deps.redis.isOpen) return
    const left = await deps.redis.pTTL(keyOf(conversationId, userId))
    if (left > 0) return schedule(conversationId, userId, left)
    const others = await othersIn(conversationId, userId).catch(() => [] as string[])
    await deps.hub.publish(others, 'typing_stop', { user_id: userId, conversation_id: conversationId })
  }

  async function typing(userId: string, conversationId: string) {
    const others = await othersIn(conversationId, userId)
    await deps.redis.set(keyOf(conversationId, userId), '1', { PX: expireMs })
    schedule(conversationId, userId, expireMs)
    await deps.hub.publish(others, 'typing', { user_id: userId, conversation_id: conversationId })
  }

  async function stopped(userId: string, conversationId: string) {
    const others = await othersIn(conversationId, userId)
    clear(`${conversationId}:${userId}`)
    await deps.redis.del(keyOf(conversationId, userId))
    await deps.hub.publish(others, 'typing_stop', { user_id: userId, conversation_id: conversationId })
  }

  return { typing, stopped }
}
