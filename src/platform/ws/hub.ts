import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import { Type, type TSchema, type Static } from '@sinclair/typebox'
import type { Logger } from '../log'
import type { Metrics } from '../metrics'
import type { Redis } from '../redis'
import { frame, type HelloData, type ServerEventMap, type ServerEventType } from './events'
import { MAX_BACKLOG_BYTES, type Conn, type TopicServer } from './socket'

export { MAX_BACKLOG_BYTES, MAX_FRAME_BYTES, REPLAY_HIGH_WATER, type Conn, type TopicServer } from './socket'

type FrameHandler<S extends TSchema> = {
  schema: S
  check: TypeCheck<S>
  run: (conn: Conn, data: Static<S>) => Promise<void> | void
  /** Frame tokens the frame costs in all (default 1), e.g. one per conversation of a `resume`. */
  cost?: (data: Static<S>) => number
}
type ConnectHook = (conn: Conn) => Promise<Partial<HelloData> | void> | Partial<HelloData> | void
type DisconnectHook = (conn: Conn, remainingOnReplica: number) => Promise<void> | void
/** Runs after `hello` was sent (e.g. to push what the user missed, which must follow `hello`). */
type ReadyHook = (conn: Conn) => Promise<void> | void

/**
 * What travels through Redis, on the recipient user's own channel. Text, so that a replica
 * delivers without parsing: `e<type>\n<frame>` (a frame, sent as it is) or `c<json>` (close
 * that user's sockets, or one session's, with a code).
 */
type CloseOrder = { sid?: string; code: number; reason: string }

/** `ping` is answered by the hub itself (any data, or none). */
const PingFrame = Type.Optional(Type.Object({}, { description: 'Keep-alive; the server answers pong', examples: [{}] }))
/** Per-socket flood guard: a token bucket of FLOOD_BURST frames refilled at FLOOD_RATE per second. */
export const FLOOD_BURST = 60
export const FLOOD_RATE = 20

/**
 * The real-time hub, with targeted fan-out: every user has a Redis channel, and a replica is
 * subscribed to the channels of exactly the users it holds a socket of (from the first socket's
 * attach to the last one's detach). A publish goes to each recipient's channel, so a replica
 * receives only what its own sockets need, and adding replicas adds fan-out capacity. Locally a
 * frame reaches the user's sockets through their Bun topic. Publish after the commit of the
 * change the event describes.
 */
export function createHub(deps: { redis: Redis; redisSub: Redis; channel: string; log: Logger; metrics: Metrics }) {
  const userChannel = (userId: string) => userChannelOf(deps.channel, userId)
  const userTopic = (userId: string) => `u:${userId}`
  const channelPrefixLength = userChannel('').length
  let server: TopicServer | null = null
  /** Users subscribed (or being subscribed) on Redis, with the subscription's settling promise. */
  const subscriptions = new Map<string, Promise<void>>()
  const conns = new Map<string, Conn>()
  const byUser = new Map<string, Set<Conn>>()
  const handlers = new Map<string, FrameHandler<TSchema>>()
  const connectHooks: ConnectHook[] = []
  const disconnectHooks: DisconnectHook[] = []
  const readyHooks: ReadyHook[] = []
  const buckets = new WeakMap<Conn, { tokens: number; at: number }>()
  const takeToken = (conn: Conn, n = 1) => {
    const now = performance.now()
    const b = buckets.get(conn) ?? { tokens: FLOOD_BURST, at: now }
    b.tokens = Math.min(FLOOD_BURST, b.tokens + ((now - b.at) / 1000) * FLOOD_RATE)
    b.at = now
    buckets.set(conn, b)
    if (b.tokens < n) return false
    b.tokens -= n
    return true
  }
  /**
   * Sockets between attach and `hello`: what the fan-out delivers to them meanwhile waits here
   * (hello is always the first frame, and nothing published in between is lost); client frames
   * wait for `ready`.
   */
  const starting = new Map<Conn, { queued: string[]; bytes: number; ready: Promise<void>; markReady: () => void }>()
  const deliver = (c: Conn, text: string) => {
    const s = starting.get(c)
    if (!s) return c.send(text)
    // The same bound as a socket's backlog: a socket that cannot start in time starts over.
    s.bytes += text.length
    if (s.bytes > MAX_BACKLOG_BYTES) return c.close(1013, 'backlog too large, reconnect and resume')
    s.queued.push(text)
  }

  /** One envelope from a user's channel: deliver the frame to that user's sockets here, or close them. */
  const onEnvelope = (raw: string, channel: string) => {
    deps.metrics.wsEnvelopesReceived.inc()
    const userId = channel.slice(channelPrefixLength)
    const set = byUser.get(userId)
    if (!set) return
    if (raw.charCodeAt(0) === 101 /* e */) {
      const nl = raw.indexOf('\n')
      const text = raw.slice(nl + 1)
      let viaTopic = false
      for (const c of set) {
        if (starting.has(c) || !c.subscribe || !server) deliver(c, text)
        else viaTopic = true
      }
      if (viaTopic) server!.publish(userTopic(userId), text)
      for (const c of set) c.checkBacklog?.()
      deps.metrics.wsFramesDelivered.inc(set.size)
      deps.metrics.wsFannedOut.inc({ type: raw.slice(1, nl) }, set.size)
      return
    }
    try {
      const order = JSON.parse(raw.slice(1)) as CloseOrder
      for (const c of [...set]) if (!order.sid || c.sid === order.sid) c.close(order.code, order.reason)
    } catch (err) {
      deps.log.warn('hub: bad envelope', { error: String(err) })
    }
  }

  /** Subscribes this replica to a user's channel once, however many sockets of theirs attach. */
  const subscribeUser = (userId: string) => {
    let sub = subscriptions.get(userId)
    if (!sub) {
      sub = deps.redisSub.subscribe(userChannel(userId), onEnvelope)
      subscriptions.set(userId, sub)
      // A failed subscribe is forgotten, so that the next socket of the user tries again.
      sub.catch(() => subscriptions.get(userId) === sub && subscriptions.delete(userId))
    }
    return sub
  }
  const unsubscribeUser = (userId: string) => {
    if (!subscriptions.delete(userId)) return
    deps.redisSub.unsubscribe(userChannel(userId), onEnvelope).catch(() => {})
  }

  let started = false
  const hub = {
    /** Lets this process receive fan-out (API replicas; a worker only publishes). */
    start() {
      started = true
    },
    /** The Bun server whose topics deliver locally (set when the first socket opens). */
    useServer(s: TopicServer | null | undefined) {
      if (s) server ??= s
    },

    /** Sends a typed frame to every socket of `userIds` on every replica (one envelope per user channel). */
    async publish<K extends ServerEventType>(userIds: string[], type: K, data: ServerEventMap[K]) {
      if (userIds.length === 0) return
      const env = `e${type}\n${frame(type, data)}`
      // Issued together, node-redis pipelines them into one write.
      await Promise.all([...new Set(userIds)].map((u) => deps.redis.publish(userChannel(u), env)))
    },

    /** Closes a user's sockets (or those of one session of theirs) on every replica, e.g. 4401 on revocation. */
    async closeSockets(target: { userId: string; sid?: string }, code = 4401, reason = 'session revoked') {
      await publishClose(deps.redis, deps.channel, target, code, reason)
    },

    /** Registers the handler of a client frame type; `data` is validated with `schema` first. */
    on<S extends TSchema>(type: string, schema: S, run: (conn: Conn, data: Static<S>) => Promise<void> | void, opts: { cost?: (data: Static<S>) => number } = {}) {
      handlers.set(type, { schema, check: TypeCompiler.Compile(schema) as unknown as TypeCheck<TSchema>, run: run as FrameHandler<TSchema>['run'], cost: opts.cost as FrameHandler<TSchema>['cost'] })
    },
    /** Every client frame type the hub accepts, with the schema its `data` is validated with. */
    clientFrames(): Record<string, TSchema> {
      return { ping: PingFrame, ...Object.fromEntries([...handlers].map(([type, h]) => [type, h.schema])) }
    },
    onConnect(hook: ConnectHook) {
      connectHooks.push(hook)
    },
    onDisconnect(hook: DisconnectHook) {
      disconnectHooks.push(hook)
    },
    onReady(hook: ReadyHook) {
      readyHooks.push(hook)
    },

    /** Users with at least one socket on this replica. */
    localUserIds: () => [...byUser.keys()],
    localSocketCount: (userId: string) => byUser.get(userId)?.size ?? 0,
    connectionCount: () => conns.size,

    async attach(conn: Conn) {
      let markReady!: () => void
      const ready = new Promise<void>((r) => (markReady = r))
      const pending = { queued: [] as string[], bytes: 0, ready, markReady }
      starting.set(conn, pending)
      conns.set(conn.id, conn)
      let set = byUser.get(conn.userId)
      if (!set) byUser.set(conn.userId, (set = new Set()))
      set.add(conn)
      deps.metrics.wsConnections.set(conns.size)
      // Subscribed before hello, and pending deliveries pushed after it: an event published
      // from here on is queued for the socket; one published earlier belongs to a change
      // committed earlier, which the pending push or the client's resume brings.
      // The subscription and the connect hooks (presence, contacts online) run side by side:
      // both must be done before hello, neither needs the other.
      const subscribed = started
        ? subscribeUser(conn.userId).then(
            () => true,
            (err) => {
              deps.log.warn('hub: could not subscribe a user channel', { user_id: conn.userId, error: String(err) })
              return false
            },
          )
        : true
      let hello: HelloData = { user_id: conn.userId, connection_id: conn.id, online_user_ids: [] }
      for (const hook of connectHooks) {
        const extra = await Promise.resolve(hook(conn)).catch((err) => deps.log.error('hub: connect hook failed', { error: err }))
        if (extra) hello = { ...hello, ...extra }
      }
      if (!(await subscribed)) {
        conn.close(1013, 'real-time delivery unavailable, reconnect later')
        return
      }
      if (!conns.has(conn.id)) return // closed while starting
      conn.send(frame('hello', hello))
      starting.delete(conn)
      for (const text of pending.queued) conn.send(text)
      conn.subscribe?.(userTopic(conn.userId))
      markReady()
      for (const hook of readyHooks) {
        await Promise.resolve(hook(conn)).catch((err) => deps.log.error('hub: ready hook failed', { error: err }))
      }
    },

    async detach(conn: Conn) {
      if (!conns.delete(conn.id)) return
      starting.get(conn)?.markReady()
      starting.delete(conn)
      const set = byUser.get(conn.userId)
      set?.delete(conn)
      if (set && set.size === 0) {
        byUser.delete(conn.userId)
        unsubscribeUser(conn.userId)
      }
      deps.metrics.wsConnections.set(conns.size)
      for (const hook of disconnectHooks) {
        await Promise.resolve(hook(conn, set?.size ?? 0)).catch((err) => deps.log.error('hub: disconnect hook failed', { error: err }))
      }
    },

    /** Handles one client frame; replies `error` for anything bad without closing the socket. */
    async receive(conn: Conn, message: unknown) {
      const sendError = (code: string, msg: string) => conn.send(frame('error', { code, message: msg }))
      // Frames sent before `hello` went out are handled after it.
      const s = starting.get(conn)
      if (s) await s.ready
      if (!takeToken(conn)) {
        deps.metrics.rateLimited.inc({ limit: 'ws_frame_rate' })
        return sendError('rate_limited', 'Too many frames, slow down')
      }
      const f = message as { type?: unknown; data?: unknown }
      if (!f || typeof f !== 'object' || typeof f.type !== 'string') return sendError('bad_frame', 'Frames are JSON objects {type, data}')
      if (f.type === 'ping') return conn.send(frame('pong', {}))
      const handler = handlers.get(f.type)
      if (!handler) return sendError('bad_frame', `Unknown frame type: ${f.type.slice(0, 40)}`)
      const data = f.data ?? {}
      if (!handler.check.Check(data)) {
        const first = [...handler.check.Errors(data)][0]
        return sendError('bad_frame', `Invalid data${first ? ` at ${first.path || '/'}: ${first.message}` : ''}`)
      }
      const extra = handler.cost ? handler.cost(data) - 1 : 0
      if (extra > 0 && !takeToken(conn, extra)) {
        deps.metrics.rateLimited.inc({ limit: 'ws_frame_rate' })
        return sendError('rate_limited', 'Too many frames, slow down')
      }
      try {
        await handler.run(conn, data)
      } catch (err) {
        const e = err as { code?: string; status?: number; message?: string }
        if (e?.status && e.status < 500 && e.code) return sendError(e.code === 'not_found' ? 'forbidden' : e.code, e.message ?? 'refused')
        deps.log.error('hub: frame handler failed', { type: f.type, error: err })
        sendError('internal', 'The frame could not be processed')
      }
    },

    /** Closes every local socket (SIGTERM: 1001 "going away"). */
    closeAll(code = 1001, reason = 'server shutting down') {
      for (const c of conns.values()) c.close(code, reason)
    },

    async stop() {
      const users = [...subscriptions.keys()]
      subscriptions.clear()
      await Promise.all(users.map((u) => deps.redisSub.unsubscribe(userChannel(u), onEnvelope).catch(() => {})))
    },
  }
  return hub
}
export type Hub = ReturnType<typeof createHub>

/**
 * Asks every replica to close the sockets of a session or a user. Usable without a hub (e.g. by
 * the CLI): `channel` is the hub's channel, `keys('hub')`.
 */
export async function publishClose(redis: Redis, channel: string, target: { userId: string; sid?: string }, code = 4401, reason = 'session revoked') {
  await redis.publish(userChannelOf(channel, target.userId), `c${JSON.stringify({ sid: target.sid, code, reason } satisfies CloseOrder)}`)
}

/** The Redis channel of one user's fan-out, under the hub's channel name. */
export const userChannelOf = (channel: string, userId: string) => `${channel}:u:${userId}`
