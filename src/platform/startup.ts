import postgres from 'postgres'
import { createClient } from 'redis'
import type { Logger } from './log'

export type DependencyState = { postgres: string; redis: string }

async function probePostgres(url: string, timeoutMs: number): Promise<string> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: timeoutMs / 1000, idle_timeout: 1, max_lifetime: 10 })
  try {
    await Promise.race([sql`select 1`, Bun.sleep(timeoutMs + 500).then(() => Promise.reject(new Error('timeout')))])
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
    await Promise.race([client.connect().then(() => client.ping()), Bun.sleep(timeoutMs + 500).then(() => Promise.reject(new Error('timeout')))])
    return 'ok'
  } catch (err) {
    return describe(err)
  } finally {
    if (client.isOpen) client.destroy()
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
  opts: { databaseUrl: string; redisUrl: string; timeoutS: number; log: Logger; connectTimeoutMs?: number; onState?: (s: DependencyState) => void },
): Promise<void> {
  const start = performance.now()
  const probeMs = opts.connectTimeoutMs ?? 2000
  let delay = 250
  for (let attempt = 1; ; attempt++) {
    const [pg, redis] = await Promise.all([probePostgres(opts.databaseUrl, probeMs), probeRedis(opts.redisUrl, probeMs)])
    const state = { postgres: pg, redis }
    opts.onState?.(state)
    if (pg === 'ok' && redis === 'ok') {
      if (attempt > 1) opts.log.info('dependencies reachable', { attempt, waited_s: Math.round((performance.now() - start) / 100) / 10 })
      return
    }
    const elapsed = (performance.now() - start) / 1000
    if (elapsed + delay / 1000 > opts.timeoutS) {
      throw new Error(`dependencies still unreachable after ${Math.round(elapsed)} s (STARTUP_TIMEOUT_S=${opts.timeoutS}): postgres ${pg}; redis ${redis}`)
    }
    opts.log.warn('waiting for dependencies', { attempt, postgres: pg, redis, retry_in_ms: delay })
    await Bun.sleep(delay)
    delay = Math.min(delay * 2, 5000)
  }
}
