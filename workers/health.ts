import type { Logger } from '../src/platform/log'
import type { Sql } from '../src/platform/db'
import type { Redis } from '../src/platform/redis'
import { timed } from '../src/platform/health'
import type { DependencyState } from '../src/platform/startup'

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' }
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: JSON_HEADERS })

/** What readiness looks at: nothing while starting (the last start-up probe), then live checks. */
export type WorkerHealthState = { starting?: DependencyState; deps?: { sql: Sql; redis: Redis }; stopping?: boolean }

/**
 * The worker's `GET /health/live` and `GET /health/ready` (same bodies as the API's) on `port`,
 * for container health checks. Listening starts before the dependencies are reached, so
 * readiness answers 503 while start-up waits for them.
 */
export function startWorkerHealth(port: number, state: WorkerHealthState, log: Logger) {
  try {
    const server = Bun.serve({
      port,
      hostname: '0.0.0.0',
      async fetch(req) {
        const path = new URL(req.url).pathname
        if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { error: { code: 'method_not_allowed', message: 'GET only' } })
        if (path === '/health/live') return json(200, { status: 'ok' })
        if (path !== '/health/ready') return json(404, { error: { code: 'not_found', message: 'Not found' } })
        if (!state.deps || state.stopping) {
          const s = state.starting
          const check = (v?: string) => (v === 'ok' ? { status: 'ok', latency_ms: 0 } : { status: 'down', latency_ms: 0, error: v ?? (state.stopping ? 'stopping' : 'starting') })
          return json(503, { status: 'unavailable', checks: { postgres: check(s?.postgres), redis: check(s?.redis) } })
        }
        const { sql, redis } = state.deps
        const [postgres, r] = await Promise.all([timed(() => sql`select 1`, 2000), timed(() => redis.ping(), 2000)])
        const ok = postgres.status === 'ok' && r.status === 'ok'
        return json(ok ? 200 : 503, { status: ok ? 'ok' : 'unavailable', checks: { postgres, redis: r } })
      },
    })
    log.info('worker health listening', { port: server.port })
    return server
  } catch (err) {
    // A taken port must not stop the worker from working; the container health check will say so.
    log.error('worker health endpoint could not listen', { port, error: String((err as Error).message) })
    return undefined
  }
}
