import { createClient } from 'redis'
import { log } from './log'

const makeClient = (url: string) =>
  createClient({
    url,
    disableOfflineQueue: true,
    socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2000), connectTimeout: 5000 },
  })
export type Redis = ReturnType<typeof makeClient>

/**
 * A node-redis client that reconnects forever with capped backoff. Commands issued while
 * disconnected fail fast (no offline queue), so a dead Redis surfaces as 503 instead of hanging.
 */
export async function createRedis(url: string, name: string, commandTimeoutMs?: number): Promise<Redis> {
  const client = makeClient(url)
  let down = false
  client.on('error', (err) => {
    if (!down) log.warn('redis error', { client: name, error: String(err?.message ?? err) })
    down = true
  })
  client.on('ready', () => {
    if (down) log.info('redis reconnected', { client: name })
    down = false
  })
  await client.connect()
  return commandTimeoutMs ? withCommandDeadline(client, commandTimeoutMs) : client
}

/** A Redis command that got no answer within the command deadline (answered 503 `unavailable`). */
export class RedisDeadlineError extends Error {
  readonly code = 'REDIS_DEADLINE_EXCEEDED'
  constructor(ms: number) {
    super(`redis did not answer within ${ms} ms`)
    this.name = 'RedisDeadlineError'
  }
}

// Lifecycle and event methods keep their own timing (connect waits as long as start-up allows).
const UNTIMED = new Set(['connect', 'close', 'destroy', 'quit', 'disconnect', 'duplicate', 'on', 'once', 'off', 'addListener', 'removeListener', 'removeAllListeners', 'emit', 'scanIterator', 'hScanIterator', 'sScanIterator', 'zScanIterator'])

/**
 * Every command (and MULTI's `exec`) of `client` fails with RedisDeadlineError after `ms` without
 * an answer. node-redis' own command timeout stops counting once a command is written, so a
 * stalled connection (Redis frozen, network path gone quiet) would otherwise hold a request.
 */
export function withCommandDeadline<T extends object>(client: T, ms: number): T {
  const race = (p: Promise<unknown>) => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise((_, reject) => (timer = setTimeout(() => reject(new RedisDeadlineError(ms)), ms)))
    p.catch(() => {})
    return Promise.race([p, late]).finally(() => clearTimeout(timer))
  }
  const wrap = <O extends object>(target: O): O => {
    const proxy: O = new Proxy(target, {
      get(t, prop, recv) {
        const v = Reflect.get(t, prop, recv)
        if (typeof v !== 'function' || typeof prop !== 'string' || UNTIMED.has(prop)) return v
        return (...args: unknown[]) => {
          const r = (v as (...a: unknown[]) => unknown).apply(t, args)
          if (r === t) return proxy // chained MULTI builders
          if (r instanceof Promise) return race(r)
          if (prop === 'multi' || prop === 'MULTI') return wrap(r as object)
          return r
        }
      },
    })
    return proxy
  }
  return wrap(client)
}

/** Builds prefixed Redis key names so several runs or apps can share one server. */
export function keyspace(prefix: string) {
  return (...parts: (string | number)[]) => [prefix, ...parts].join(':')
}
export type Keyspace = ReturnType<typeof keyspace>

/** Deletes every key under `prefix:` (a test run's or a bench's keyspace), a scan batch at a time. */
type KeyspaceClient = { scanIterator(o: { MATCH: string; COUNT: number }): AsyncIterable<string[]>; del(keys: string[]): Promise<unknown> }
export async function deleteKeyspace(client: KeyspaceClient, prefix: string): Promise<void> {
  for await (const keys of client.scanIterator({ MATCH: `${prefix}:*`, COUNT: 1000 })) if (keys.length) await client.del(keys)
}

/** Closes gracefully when connected; drops the socket at once when Redis is unreachable. */
export async function closeRedis(client: Redis): Promise<void> {
  if (!client.isOpen) return
  if (client.isReady) await client.close().catch(() => client.destroy())
  else client.destroy()
}
