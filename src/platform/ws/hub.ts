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
}

type FrameHandler<S extends TSchema> = {
  schema: S
  check: TypeCheck<S>
  run: (conn: Conn, data: Static<S>) => Promise<void> | void
}
type ConnectHook = (conn: Conn) => Promise<Partial<HelloData> | void> | Partial<HelloData> | void
type DisconnectHook = (conn: Conn, remainingOnReplica: number) => Promise<void> | void
/** Runs after `hello` was sent (e.g. to push what the user missed, which must follow `hello`). */
type ReadyHook = (conn: Conn) => Promise<void> | void

type Envelope =
  | { k: 'e'; u: string[]; f: string; t: string }
  | { k: 'c'; sid?: string; user?: string; code: number; reason: string }

export const MAX_FRAME_BYTES = 64 * 1024
/** `ping` is answered by the hub itself (any data, or none). */
const PingFrame = Type.Optional(Type.Object({}, { description: 'Keep-alive; the server answers pong', examples: [{}] }))
/** Per-socket flood guard: a token bucket of FLOOD_BURST frames refilled at FLOOD_RATE per second. */
const FLOOD_BURST = 60
const FLOOD_RATE = 20

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
  const takeToken = (conn: Conn) => {
    const now = performance.now()
    const b = buckets.get(conn) ?? { tokens: FLOOD_BURST, at: now }
    b.tokens = Math.min(FLOOD_BURST, b.tokens + ((now - b.at) / 1000) * FLOOD_RATE)
    b.at = now
    buckets.set(conn, b)
    if (b.tokens < 1) return false
    b.tokens -= 1
    return true
  }

  const deliverLocal = (env: Envelope) => {
    if (env.k === 'e') {
      for (const u of env.u) {
        const set = byUser.get(u)
        if (!set) continue
        for (const c of set) c.send(env.f)
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
    on<S extends TSchema>(type: string, schema: S, run: (conn: Conn, data: Static<S>) => Promise<void> | void) {
      handlers.set(type, { schema, check: TypeCompiler.Compile(schema) as unknown as TypeCheck<TSchema>, run: run as FrameHandler<TSchema>['run'] })
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
      conn.send(frame('hello', hello))
      for (const hook of readyHooks) {
        await Promise.resolve(hook(conn)).catch((err) => deps.log.error('hub: ready hook failed', { error: err }))
      }
    },

    async detach(conn: Conn) {
      if (!conns.delete(conn.id)) return
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
      if (!takeToken(conn)) return sendError('rate_limited', 'Too many frames, slow down')
      const size = typeof message === 'string' ? message.length : JSON.stringify(message ?? null).length
      if (size > MAX_FRAME_BYTES) return sendError('payload_too_large', `Frames are limited to ${MAX_FRAME_BYTES} bytes`)
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

/** Wraps a Bun socket as a hub connection. */
export function connFromSocket(ws: ServerWebSocket<unknown>, id: string, auth: { userId: string; sid: string; role: string }): Conn {
  return {
    id,
    ...auth,
    send: (text) => void ws.send(text),
    close: (code, reason) => ws.close(code, reason),
  }
}
