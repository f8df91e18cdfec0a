import { afterAll, expect, test } from 'bun:test'
import { call, testAppWith, waitFor } from '../helpers/app'
import { privateRedis } from '../helpers/redis'
import { hitRateLimit, enforceRateLimits } from '../../src/platform/http/rate-limit'
import { AppError } from '../../src/platform/http/errors'
import { signAccessToken } from '../../src/platform/http/auth'
import { testApp } from '../helpers/app'

// A private Redis for this test, so stopping it does not disturb anything else using 6379.
const redis = privateRedis()
let closeApp: (() => Promise<void>) | undefined
afterAll(async () => {
  await closeApp?.()
  redis.stop()
})

test('readiness turns 503 when Redis stops and 200 when it is back, without a restart', async () => {
  await redis.ready()
  const { app, deps } = await testAppWith({ REDIS_URL: redis.url })
  closeApp = deps.close
  expect((await call('GET', '/health/ready', {}, app)).status).toBe(200)

  await redis.kill()
  const down = await waitFor(async () => { const r = await call('GET', '/health/ready', {}, app); return r.status === 503 ? r : null }, { what: 'ready 503' })
  expect(down.body.status).toBe('unavailable')
  expect(down.body.checks.redis.status).toBe('down')
  expect(down.body.checks.postgres.status).toBe('ok')
  // A route that needs Redis answers 503 `unavailable`, never 500.
  const { token } = await signAccessToken({ secret: deps.config.JWT_SECRET, accessTtl: 60 }, { userId: crypto.randomUUID(), role: 'admin', sid: crypto.randomUUID() })
  const guarded = await call('GET', '/api/v1/admin/jobs', { token }, app)
  expect(guarded.status).toBe(503)
  expect(guarded.body.error.code).toBe('unavailable')

  await redis.restart()
  await waitFor(async () => (await call('GET', '/health/ready', {}, app)).status === 200, { timeoutMs: 15000, what: 'ready 200 again' })
})

test('rate limiter: fixed window per subject with Retry-After', async () => {
  const { deps } = await testApp()
  const rule = { name: `test-${crypto.randomUUID()}`, limit: 3, windowSeconds: 60 }
  for (let i = 1; i <= 3; i++) expect((await hitRateLimit(deps, rule, 'ip-1')).allowed).toBe(true)
  const over = await hitRateLimit(deps, rule, 'ip-1')
  expect(over.allowed).toBe(false)
  expect(over.retryAfterSeconds).toBeGreaterThan(0)
  expect(over.retryAfterSeconds).toBeLessThanOrEqual(60)
  expect((await hitRateLimit(deps, rule, 'ip-2')).allowed).toBe(true)
  const err = await enforceRateLimits(deps, [[rule, 'ip-1']]).catch((e) => e)
  expect(err).toBeInstanceOf(AppError)
  expect(err.status).toBe(429)
  expect(err.code).toBe('rate_limited')
  expect(Number(err.headers['retry-after'])).toBeGreaterThan(0)
})
