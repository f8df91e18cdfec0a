import { Elysia } from 'elysia'
import type { Deps } from '../platform/deps'
import { conversationRoutes } from './conversations/routes'
import { messageRoutes } from './messages/routes'
import { registerRealtime } from './realtime/register'

/** The messaging domain: conversations and messages over REST, and its frames on the hub. */
export function messaging(deps: Deps) {
  registerRealtime(deps)
  return new Elysia({ name: 'domain.messaging' }).use(conversationRoutes(deps)).use(messageRoutes(deps))
}
