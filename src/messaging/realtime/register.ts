import type { Deps } from '../../platform/deps'
import { ackDelivery, markRead } from '../messages/service'
import { AckFrame, ReadFrame, ResumeFrame, TypingFrame } from './frames'
import { createPresence } from './presence'
import { pushPending, resumeConversation } from './resume'
import { createTyping } from './typing'

// Several apps may share a process (tests); each hub gets messaging's handlers exactly once.
const registered = new WeakSet<object>()

/** Registers messaging's frames and presence hooks on the hub, and starts the presence heartbeat. */
export function registerRealtime(deps: Deps) {
  const { hub } = deps
  if (registered.has(hub)) return
  registered.add(hub)
  const presence = createPresence(deps)
  const typing = createTyping(deps)

  hub.on('ack', AckFrame, (conn, d) => ackDelivery(deps, conn.userId, d.message_id))
  hub.on('read', ReadFrame, (conn, d) => markRead(deps, conn.userId, d.conversation_id, d.message_id))
  hub.on('typing', TypingFrame, (conn, d) => typing.typing(conn.userId, d.conversation_id))
  hub.on('typing_stop', TypingFrame, (conn, d) => typing.stopped(conn.userId, d.conversation_id))
  // A resume costs one frame token per conversation it names: it is the most expensive frame.
  hub.on('resume', ResumeFrame, async (conn, d) => {
    for (const c of d.conversations) await resumeConversation(deps, conn, c.conversation_id, c.after_seq)
  }, { cost: (d) => d.conversations.length })
  hub.onConnect((conn) => presence.connected(conn))
  hub.onReady((conn) => pushPending(deps, conn))
  hub.onDisconnect((conn, remaining) => presence.disconnected(conn, remaining))
  presence.start()
}
