import postgres from 'postgres'
import { createClient } from 'redis'
import type { Logger } from './log'

export type DependencyState = { postgres: string; redis: string }

async function probePostgres(url: string, timeoutMs: number): Promise<string> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: timeoutMs / 1000, idle_timeout: 1, max_lifetime: 10 })
  try {
    await within(sql`select 1`, timeoutMs + 500)
    return 'ok'
  } catch (err) {
    return describe(err)
  } finally {
    await sql.end({ timeout: 0 }).catch(() => {})
  }
}

async function probeRedis(url: string, timeoutMs: number): Promise<string> {
  const client = createClient({ url, disableOfflineQueue: true, socket: { connectTimeout: timeoutMs, reconnectStrategy: false } })
  client.on('error', () => {})
  try {
    await within(client.connect().then(() => client.ping()), timeoutMs + 500)
    return 'ok'
  } catch (err) {
    return describe(err)
  } finally {
    if (client.isOpen) client.destroy()
  }
}

/** On a Redis Cluster (REDIS_CLUSTER_NODES) any seed node answering is enough; else REDIS_URL. */
async function probeRedisOf(opts: { redisUrl: string; redisClusterNodes?: string }, timeoutMs: number): Promise<string> {
  if (!opts.redisClusterNodes) return probeRedis(opts.redisUrl, timeoutMs)
  const states = await Promise.all(opts.redisClusterNodes.split(',').filter(Boolean).map((n) => probeRedis(`redis://${n.trim()}`, timeoutMs)))
  return states.find((s) => s === 'ok') ?? states[0] ?? 'no nodes'
}

/** `p`, or a rejection after `ms` (the timer is cleared, so it never holds the process open). */
async function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms)))])
  } finally {
    clearTimeout(timer)
  }
}

const describe = (err: unknown) => {
  const e = err as { code?: string; message?: string }
  return `down: ${e?.code ?? e?.message ?? String(err)}`.slice(0, 200)
}

/**
 * Waits until Postgres and Redis both answer, retrying with exponential backoff (0.25 s doubling
 * up to 5 s) and logging each try, for at most `timeoutS` seconds; then throws, naming what is
 * still down. `onState` sees every try (the worker's readiness endpoint reports it).
 */
export async function waitForDependencies(
  opts: { databaseUrl: string; redisUrl: string; redisClusterNodes?: string; timeoutS: number; log: Logger; connectTimeoutMs?: number; onState?: (s: DependencyState) => void },
): Promise<void> {
  const start = performance.now()
  const probeMs = opts.connectTimeoutMs ?? 2000
  let delay = 250
  for (let attempt = 1; ; attempt++) {
    const [pg, redis] = await Promise.all([probePostgres(opts.databaseUrl, probeMs), probeRedisOf(opts, probeMs)])
    const state = { postgres: pg, redis }
    opts.onState?.(state)
    if (pg === 'ok' && redis === 'ok') {
      if (attempt > 1) opts.log.info('dependencies reachable', { attempt, waited_s: Math.round((performance.now() - start) / 100) / 10 })
      return
    }
    const left = opts.timeoutS * 1000 - (performance.now() - start)
    if (left <= 0) {
      throw new Error(`dependencies still unreachable after ${Math.round((performance.now() - start) / 1000)} s (STARTUP_TIMEOUT_S=${opts.timeoutS}): postgres ${pg}; redis ${redis}`)
    }
    const wait = Math.min(delay, left)
    opts.log.warn('waiting for dependencies', { attempt, postgres: pg, redis, retry_in_ms: Math.round(wait) })
    await Bun.sleep(wait)
    delay = Math.min(delay * 2, 5000)
  }
}
