import type { Static } from '@sinclair/typebox'
import type { ServerEventMap } from '../../src/platform/ws/events'
import type { ReadFrame, TypingFrame } from '../../src/messaging/realtime/frames'
import { errorOf, type Session } from './session'

/** A chat message as the server sends it (SPEC §11). */
export type Message = {
  id: string
  conversation_id: string
  seq: number
  sender_id: string
  body: string
  client_id: string | null
  created_at: string
  edited_at: string | null
  deleted: boolean
}
export type RealtimeState = 'connecting' | 'open' | 'closed'
type Resumed = { conversation_id: string; seq: number; has_more?: boolean }

/** Every server frame type with its data, plus the client's own `state` event. */
export type RealtimeEvents = Omit<ServerEventMap, 'message' | 'message_updated' | 'resumed'> & {
  message: Message
  message_updated: Message
  resumed: Resumed
  state: RealtimeState
}
/** Frames an application may send itself (acks and resumes are the client's job). */
export type ClientFrames = {
  read: Static<typeof ReadFrame>
  typing: Static<typeof TypingFrame>
  typing_stop: Static<typeof TypingFrame>
  ping: Record<string, never>
}
export type RealtimeOptions = {
  /** Highest `seq` the application already has per conversation: replay starts after it. */
  after?: Record<string, number>
  /** Reconnect delays: full jitter over an exponential ceiling from `initialMs` up to `maxMs`. */
  backoff?: { initialMs?: number; maxMs?: number }
  /** A WebSocket constructor (the global one by default). */
  WebSocket?: typeof WebSocket
}

// The server replays at most this many conversations per `resume` frame (SPEC §12).
const RESUME_BATCH = 50
// Outgoing frames are paced below the server's per-socket flood guard, so that acking a long
// backlog never earns `rate_limited` errors (a lost ack only means a re-push, but it is noise).
const SEND_BURST = 30
const SEND_RATE_PER_S = 15

type ConvState = { seq: number; waiting: Map<number, Message>; gapAsked: boolean }

/**
 * A realtime connection that survives network cuts: it signs the upgrade with a single-use
 * ticket, reconnects with jittered backoff, resumes every conversation from the last `seq` it
 * delivered, hands each message to the application exactly once and in `seq` order, and acks it.
 */
export function createRealtime(session: Session, opts: RealtimeOptions = {}) {
  const WS = opts.WebSocket ?? globalThis.WebSocket
  const initialMs = opts.backoff?.initialMs ?? 500
  const maxMs = opts.backoff?.maxMs ?? 30_000
  const convs = new Map<string, ConvState>()
  for (const [id, seq] of Object.entries(opts.after ?? {})) convs.set(id, { seq, waiting: new Map(), gapAsked: false })
  const listeners = new Map<string, Set<(data: never) => void>>()
  let socket: WebSocket | null = null
  let state: RealtimeState | null = null
  let stopped = false
  let attempt = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let userId: string | null = null

  const emit = (type: string, data: unknown) => {
    for (const fn of listeners.get(type) ?? []) {
      try {
        ;(fn as (d: unknown) => void)(data)
      } catch (err) {
        // A listener's bug must not break delivery to the others.
        queueMicrotask(() => {
          throw err
        })
      }
    }
  }
  const setState = (next: RealtimeState) => {
    if (next === state) return
    state = next
    emit('state', next)
  }

  // Paced sending; resumes jump the queue because everything else waits for their replay.
  let queue: string[] = []
  let tokens = SEND_BURST
  let refilledAt = Date.now()
  let pump: ReturnType<typeof setTimeout> | undefined
  const flush = () => {
    pump = undefined
    const now = Date.now()
    tokens = Math.min(SEND_BURST, tokens + ((now - refilledAt) / 1000) * SEND_RATE_PER_S)
    refilledAt = now
    while (queue.length && tokens >= 1 && socket?.readyState === WS.OPEN) {
      socket.send(queue.shift()!)
      tokens -= 1
    }
    if (queue.length && socket?.readyState === WS.OPEN) pump = setTimeout(flush, 1000 / SEND_RATE_PER_S)
  }
  const sendFrame = (type: string, data: unknown, urgent = false) => {
    const text = JSON.stringify({ type, data })
    if (urgent) queue.unshift(text)
    else queue.push(text)
    if (!pump) flush()
  }

  const resume = (entries: [string, number][]) => {
    for (let i = 0; i < entries.length; i += RESUME_BATCH) {
      const conversations = entries.slice(i, i + RESUME_BATCH).map(([conversation_id, after_seq]) => ({ conversation_id, after_seq }))
      sendFrame('resume', { conversations }, true)
    }
  }

  const deliver = (m: Message, st: ConvState) => {
    st.seq = m.seq
    emit('message', m)
    if (m.sender_id !== userId) sendFrame('ack', { message_id: m.id })
  }

  const onMessage = (m: Message) => {
    let st = convs.get(m.conversation_id)
    // A conversation seen for the first time starts at its first message: older ones are history.
    if (!st) convs.set(m.conversation_id, (st = { seq: m.seq - 1, waiting: new Map(), gapAsked: false }))
    if (m.seq <= st.seq || st.waiting.has(m.seq)) return // a duplicate (pending push, replay, live)
    if (m.seq > st.seq + 1) {
      // A gap: hold this one back and ask for what is missing, so the app sees seq order.
      st.waiting.set(m.seq, m)
      if (!st.gapAsked) {
        st.gapAsked = true
        resume([[m.conversation_id, st.seq]])
      }
      return
    }
    deliver(m, st)
    drain(st)
  }
  const drain = (st: ConvState) => {
    for (let next = st.waiting.get(st.seq + 1); next; next = st.waiting.get(st.seq + 1)) {
      st.waiting.delete(next.seq)
      deliver(next, st)
    }
  }

  const onResumed = (r: Resumed) => {
    const st = convs.get(r.conversation_id)
    if (st) {
      st.gapAsked = false
      if (r.has_more) {
        st.gapAsked = true
        resume([[r.conversation_id, st.seq]])
      } else if (st.waiting.size) {
        // The server has replayed everything after st.seq: whatever still waits has no
        // predecessor left to come, so it goes out in order rather than being held forever.
        for (const seq of [...st.waiting.keys()].sort((a, b) => a - b)) {
          const m = st.waiting.get(seq)!
          st.waiting.delete(seq)
          if (seq > st.seq) deliver(m, st)
        }
      }
    }
    emit('resumed', r)
  }

  const onFrame = (raw: unknown) => {
    let f: { type?: string; data?: unknown }
    try {
      f = JSON.parse(String(raw))
    } catch {
      return
    }
    if (!f || typeof f.type !== 'string') return
    if (f.type === 'hello') {
      userId = (f.data as { user_id: string }).user_id
      attempt = 0
      setState('open')
      emit('hello', f.data)
      resume([...convs].map(([id, st]) => [id, st.seq]))
      return
    }
    if (f.type === 'message') return onMessage(f.data as Message)
    if (f.type === 'resumed') return onResumed(f.data as Resumed)
    emit(f.type, f.data)
  }

  const reconnectLater = () => {
    if (stopped) return
    setState('connecting')
    const ceiling = Math.min(maxMs, initialMs * 2 ** attempt)
    attempt += 1
    timer = setTimeout(connect, Math.random() * ceiling)
  }

  async function connect() {
    timer = undefined
    if (stopped) return
    setState('connecting')
    let ticket: string
    try {
      const res = await session.authedFetch(`${session.base}/api/v1/ws/ticket`, { method: 'POST' })
      if (res.status === 401) {
        // Signed out for good (the refresh failed too): nothing to reconnect with.
        emit('error', { code: (await errorOf(res)).code, message: 'The session has ended' })
        return stop()
      }
      if (!res.ok) throw await errorOf(res)
      ticket = ((await res.json()) as { ticket: string }).ticket
    } catch {
      return reconnectLater()
    }
    if (stopped) return
    const ws = new WS(`${session.base.replace(/^http/, 'ws')}/api/v1/ws?ticket=${encodeURIComponent(ticket)}`)
    socket = ws
    queue = []
    ws.onmessage = (ev) => onFrame(ev.data)
    ws.onclose = () => {
      if (socket !== ws) return
      socket = null
      reconnectLater()
    }
  }

  function stop() {
    stopped = true
    clearTimeout(timer)
    clearTimeout(pump)
    const ws = socket
    socket = null
    ws?.close(1000, 'client closed')
    setState('closed')
  }

  queueMicrotask(connect)
  return {
    /** Listens to a server frame type (or `state`); returns the function that stops listening. */
    on<K extends keyof RealtimeEvents>(type: K, fn: (data: RealtimeEvents[K]) => void): () => void {
      let set = listeners.get(type)
      if (!set) listeners.set(type, (set = new Set()))
      set.add(fn as (data: never) => void)
      return () => void set.delete(fn as (data: never) => void)
    },
    /** Sends a frame (read receipts, typing, ping); queued while the socket reconnects is not done. */
    send<K extends keyof ClientFrames>(type: K, data: ClientFrames[K]) {
      sendFrame(type, data)
    },
    /** The highest `seq` delivered to the application, in order, for a conversation. */
    lastSeq: (conversationId: string): number | undefined => convs.get(conversationId)?.seq,
    get state(): RealtimeState {
      return state ?? 'connecting'
    },
    /** Closes the socket and stops reconnecting. */
    close: stop,
  }
}
export type Realtime = ReturnType<typeof createRealtime>
