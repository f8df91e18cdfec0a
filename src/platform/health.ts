import { Elysia, t } from 'elysia'
import { createHash, timingSafeEqual } from 'node:crypto'
import type { Sql } from './db'
import type { Redis } from './redis'
import type { Metrics } from './metrics'
import { bearerToken } from './http/auth'
import { httpErrors } from './http/errors'
import { jsonText } from './http/request-id'

const Check = t.Object({ status: t.Union([t.Literal('ok'), t.Literal('down')]), latency_ms: t.Number(), error: t.Optional(t.String()) })
const Ready = t.Object({ status: t.Union([t.Literal('ok'), t.Literal('unavailable')]), checks: t.Object({ postgres: Check, redis: Check }) }, { examples: [{ status: 'ok', checks: { postgres: { status: 'ok', latency_ms: 0.6 }, redis: { status: 'ok', latency_ms: 0.3 } } }] })

export async function timed(fn: () => Promise<unknown>, timeoutMs: number): Promise<typeof Check.static> {
  const start = performance.now()
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    await Promise.race([fn(), new Promise((_, rej) => (timer = setTimeout(() => rej(new Error('timeout')), timeoutMs)))])
    return { status: 'ok', latency_ms: Math.round((performance.now() - start) * 100) / 100 }
  } catch (err) {
    return { status: 'down', latency_ms: Math.round(performance.now() - start), error: String((err as Error)?.message ?? err).slice(0, 200) }
  } finally {
    clearTimeout(timer)
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest()

/**
 * Whether `given` is the metrics token, in time independent of where they differ: both are
 * hashed to equal-length digests first (timingSafeEqual needs equal lengths, and comparing
 * lengths would leak the token's).
 */
export function metricsTokenMatches(token: string, given: string | undefined): boolean {
  return typeof given === 'string' && given.length > 0 && timingSafeEqual(digest(token), digest(given))
}

const Live = t.Object({ status: t.Literal('ok') })
const LIVE = JSON.stringify({ status: 'ok' } satisfies typeof Live.static)

/** `/health/live`, `/health/ready` and `/metrics` (root paths, not under /api/v1). */
export function healthRoutes(deps: { sql: Sql; redis: Redis; metrics: Metrics; metricsToken?: string; metricsPublic?: boolean }) {
  return new Elysia({ tags: ['operations'] })
    // The body never changes: sent as ready text (no per-request serialisation or response check).
    .get('/health/live', ({ set }) => jsonText(set, LIVE), {
      detail: { summary: 'Liveness: 200 while the process runs' },
      response: { 200: Live },
    })
    .get(
      '/health/ready',
      async ({ set }) => {
        const [postgres, redis] = await Promise.all([
          timed(() => deps.sql`select 1`, 2000),
          timed(() => deps.redis.ping(), 2000),
        ])
        const ok = postgres.status === 'ok' && redis.status === 'ok'
        set.status = ok ? 200 : 503
        return { status: ok ? ('ok' as const) : ('unavailable' as const), checks: { postgres, redis } }
      },
      { detail: { summary: 'Readiness: Postgres and Redis checks with latencies; 503 when one is down' }, response: { 200: Ready, 503: Ready } },
    )
    .get(
      '/metrics',
      async ({ headers, set }) => {
        if (deps.metricsToken && !deps.metricsPublic && !metricsTokenMatches(deps.metricsToken, bearerToken(headers.authorization))) throw httpErrors.unauthorized()
        set.headers['content-type'] = deps.metrics.registry.contentType
        return deps.metrics.registry.metrics()
      },
      { detail: { summary: 'Prometheus metrics (Bearer METRICS_TOKEN when set, unless METRICS_PUBLIC=true)', security: [{}, { metricsToken: [] }] } },
    )
}
