import { createClient, createCluster } from 'redis'
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

/** `host:port,host:port,…` (REDIS_CLUSTER_NODES) as node-redis root nodes. */
export function clusterRootNodes(nodes: string): { url: string }[] {
  return nodes.split(',').map((n) => n.trim()).filter(Boolean).map((n) => ({ url: `redis://${n}` }))
}

const clusters = new WeakSet<object>()
/** Whether `client` runs on a Redis Cluster (built by `createRedisCluster`). */
export const isCluster = (client: object) => clusters.has(client)

/**
 * A node-redis cluster client behind the single-node client's type, so the rest of the code
 * holds one `Redis` in both modes. Keyed commands are routed by node-redis; what differs is
 * adapted here: pub/sub becomes sharded pub/sub (`publish` → SPUBLISH, `subscribe` →
 * SSUBSCRIBE, each channel lives on the shard of its slot), `scanIterator` walks every master,
 * and the connection events of the subscriber map to the cluster's per-node ones. Multi-key
 * commands (MGET, multi-key DEL, MULTI, scripts) must stay within one hash slot: callers use
 * hash tags (`{…}`) or split them per key.
 */
export async function createRedisCluster(nodes: string, name: string): Promise<Redis> {
  const cluster = createCluster({
    rootNodes: clusterRootNodes(nodes),
    defaults: {
      disableOfflineQueue: true,
      socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2000), connectTimeout: 5000 },
    },
  })
  let down = false
  cluster.on('error', (err) => {
    if (!down) log.warn('redis cluster error', { client: name, error: String(err?.message ?? err) })
    down = true
  })
  cluster.on('node-error', (err) => {
    if (!down) log.warn('redis cluster node error', { client: name, error: String(err?.message ?? err) })
    down = true
  })
  cluster.on('node-ready', () => {
    if (down) log.info('redis cluster node reconnected', { client: name })
    down = false
  })
  await cluster.connect()
  const events: Record<string, string> = { ready: 'node-ready', end: 'node-disconnect', error: 'node-error' }
  const overrides: Record<string | symbol, unknown> = {
    publish: (channel: string, message: string) => cluster.sPublish(channel, message),
    subscribe: (channels: string | string[], listener: (message: string, channel: string) => void) => cluster.sSubscribe(channels, listener),
    unsubscribe: (channels?: string | string[], listener?: (message: string, channel: string) => void) =>
      cluster.sUnsubscribe(channels as string | string[], listener as never),
    async *scanIterator(opts: { MATCH?: string; COUNT?: number; TYPE?: string }) {
      for (const master of cluster.masters) {
        const client = await cluster.nodeClient(master)
        yield* client.scanIterator(opts)
      }
    },
    on: (event: string, listener: (...args: unknown[]) => void) => {
      cluster.on(events[event] ?? event, listener)
      return adapter
    },
    off: (event: string, listener: (...args: unknown[]) => void) => {
      cluster.off(events[event] ?? event, listener)
      return adapter
    },
  }
  const adapter: object = new Proxy(cluster, {
    get(target, prop) {
      if (prop in overrides) return overrides[prop]
      const value = Reflect.get(target, prop, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  clusters.add(adapter)
  return adapter as unknown as Redis
}

/** The command or subscriber client of the configured mode: cluster when REDIS_CLUSTER_NODES is set. */
export async function connectRedis(config: { REDIS_URL: string; REDIS_CLUSTER_NODES?: string }, name: string, commandTimeoutMs?: number): Promise<Redis> {
  if (!config.REDIS_CLUSTER_NODES) return createRedis(config.REDIS_URL, name, commandTimeoutMs)
  const cluster = await createRedisCluster(config.REDIS_CLUSTER_NODES, name)
  if (!commandTimeoutMs) return cluster
  const timed = withCommandDeadline(cluster, commandTimeoutMs)
  clusters.add(timed)
  return timed
}

/** Builds prefixed Redis key names so several runs or apps can share one server. */
export function keyspace(prefix: string) {
  return (...parts: (string | number)[]) => [prefix, ...parts].join(':')
}
export type Keyspace = ReturnType<typeof keyspace>

/**
 * Deletes every key under `prefix:` (a test run's or a bench's keyspace), a scan batch at a time,
 * and the hash-tagged `{prefix:…}` keys of cluster mode (BullMQ's). On a cluster every master
 * is scanned and keys are deleted one by one (a batch spans slots).
 */
type KeyspaceClient = { scanIterator(o: { MATCH: string; COUNT: number }): AsyncIterable<string[]>; del(keys: string | string[]): Promise<unknown> }
export async function deleteKeyspace(client: KeyspaceClient, prefix: string): Promise<void> {
  const perKey = isCluster(client)
  for (const match of [`${prefix}:*`, `{${prefix}:*`]) {
    for await (const keys of client.scanIterator({ MATCH: match, COUNT: 1000 })) {
      if (!keys.length) continue
      if (perKey) await Promise.all(keys.map((k) => client.del(k)))
      else await client.del(keys)
    }
  }
}

/** Closes gracefully when connected; drops the socket at once when Redis is unreachable. */
export async function closeRedis(client: Redis): Promise<void> {
  if (!client.isOpen) return
  if (client.isReady) await client.close().catch(() => client.destroy())
  else client.destroy()
}
