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
export async function createRedis(url: string, name: string): Promise<Redis> {
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
  return client
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
