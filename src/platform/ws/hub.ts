import type { ServerWebSocket } from 'bun'
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import { Type, type TSchema, type Static } from '@sinclair/typebox'
import type { Logger } from '../log'
import type { Metrics } from '../metrics'
import type { Redis } from '../redis'
import { frame, type HelloData, type ServerEventMap, type ServerEventType } from './events'

/** One open socket on this replica. */
export type Conn = {
  id: string
  userId: string
  sid: string
  role: string
  send(text: string): void
  close(code: number, reason: string): void
  /**
   * For bulk replays (resume, pending deliveries): sends like `send`, then waits while the
   * socket's backlog is above REPLAY_HIGH_WATER until it drains, so a replay of many large
   * frames does not itself hit MAX_BACKLOG_BYTES. False once the socket is closed.
   */
  sendPaced(text: string): Promise<boolean>
}

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

type Envelope =
  | { k: 'e'; u: string[]; f: string; t: string }
  | { k: 'c'; sid?: string; user?: string; code: number; reason: string }

/** Largest client frame (SPEC §12): Bun closes the socket with 1009 before parsing a bigger one. */
export const MAX_FRAME_BYTES = 64 * 1024
/** `ping` is answered by the hub itself (any data, or none). */
const PingFrame = Type.Optional(Type.Object({}, { description: 'Keep-alive; the server answers pong', examples: [{}] }))
/** Largest unsent backlog of one socket (SPEC §12): beyond it the socket is closed with 1013. */
export const MAX_BACKLOG_BYTES = 1024 * 1024
/** A bulk replay waits for the socket to drain above this backlog. */
export const REPLAY_HIGH_WATER = 256 * 1024
/** Per-socket flood guard: a token bucket of FLOOD_BURST frames refilled at FLOOD_RATE per second. */
export const FLOOD_BURST = 60
export const FLOOD_RATE = 20

/**
 * The real-time hub. Every publish goes through one Redis channel; each replica delivers
 * to its own sockets of the named users, so work per replica follows its own recipients.
 * Publish after the commit of the change the event describes.
 */
export function createHub(deps: { redis: Redis; redisSub: Redis; channel: string; log: Logger; metrics: Metrics }) {
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

  const deliverLocal = (env: Envelope) => {
    if (env.k === 'e') {
      for (const u of env.u) {
        const set = byUser.get(u)
        if (!set) continue
        for (const c of set) deliver(c, env.f)
        deps.metrics.wsFannedOut.inc({ type: env.t }, set.size)
      }
      return
    }
    for (const c of conns.values()) {
      if ((env.sid && c.sid === env.sid) || (env.user && c.userId === env.user)) c.close(env.code, env.reason)
    }
  }

  let subscribed: Promise<void> | null = null
  const hub = {
    /** Starts listening to the fan-out channel (idempotent). */
    start() {
      subscribed ??= deps.redisSub.subscribe(deps.channel, (raw) => {
        try {
          deliverLocal(JSON.parse(raw) as Envelope)
        } catch (err) {
          deps.log.warn('hub: bad envelope', { error: String(err) })
        }
      })
      return subscribed
    },

    /** Sends a typed frame to every socket of `userIds` on every replica. */
    async publish<K extends ServerEventType>(userIds: string[], type: K, data: ServerEventMap[K]) {
      if (userIds.length === 0) return
      const env: Envelope = { k: 'e', u: [...new Set(userIds)], f: frame(type, data), t: type }
      await deps.redis.publish(deps.channel, JSON.stringify(env))
    },

    /** Closes every socket of a session (or of a user) on every replica, e.g. 4401 on revocation. */
    async closeSockets(target: { sid?: string; userId?: string }, code = 4401, reason = 'session revoked') {
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
      let hello: HelloData = { user_id: conn.userId, connection_id: conn.id, online_user_ids: [] }
      for (const hook of connectHooks) {
        const extra = await Promise.resolve(hook(conn)).catch((err) => deps.log.error('hub: connect hook failed', { error: err }))
        if (extra) hello = { ...hello, ...extra }
      }
      if (!conns.has(conn.id)) return // closed while starting
      conn.send(frame('hello', hello))
      starting.delete(conn)
      for (const text of pending.queued) conn.send(text)
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
      if (set && set.size === 0) byUser.delete(conn.userId)
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
      if (subscribed) await deps.redisSub.unsubscribe(deps.channel).catch(() => {})
    },
  }
  return hub
}
export type Hub = ReturnType<typeof createHub>

/**
 * Asks every replica to close the sockets of a session or a user. Usable without a hub (e.g. by
 * the CLI): `channel` is the hub's channel, `keys('hub')`.
 */
export async function publishClose(redis: Redis, channel: string, target: { sid?: string; userId?: string }, code = 4401, reason = 'session revoked') {
  await redis.publish(channel, JSON.stringify({ k: 'c', sid: target.sid, user: target.userId, code, reason } satisfies Envelope))
}

/**
 * Wraps a Bun socket as a hub connection. A socket whose unsent backlog passes
 * MAX_BACKLOG_BYTES (a client that stopped reading) is closed with 1013: the close frame
 * follows the backlog, and the client reconnects and resumes (frames live in Postgres).
 */
export function connFromSocket(ws: ServerWebSocket<unknown>, id: string, auth: { userId: string; sid: string; role: string }): Conn & { drained(): void } {
  let waiters: (() => void)[] = []
  const wake = () => {
    const w = waiters
    waiters = []
    for (const f of w) f()
  }
  const send = (text: string) => {
    const sent = ws.send(text)
    // -1: queued behind a backlog; 0: dropped (Bun's own limit, which backs this one up).
    if (sent === 0 || (sent === -1 && ws.getBufferedAmount() > MAX_BACKLOG_BYTES)) {
      if (ws.readyState === 1) ws.close(1013, 'backlog too large, reconnect and resume')
    }
  }
  return {
    id,
    ...auth,
    send,
    async sendPaced(text) {
      if (ws.readyState !== 1) return false
      send(text)
      while (ws.readyState === 1 && ws.getBufferedAmount() > REPLAY_HIGH_WATER) {
        // Woken by Bun's drain event or the close; the timer only re-checks (a client that stopped reading is closed by the backlog limit).
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 1000)
          waiters.push(() => { clearTimeout(timer); resolve() })
        })
      }
      return ws.readyState === 1
    },
    close: (code, reason) => {
      ws.close(code, reason)
      wake()
    },
    /** Called from the socket's drain and close events. */
    drained: wake,
  }
}
