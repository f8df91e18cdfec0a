import { describe, expect, test } from 'bun:test'
import { call, testApp, testAppWith } from '../helpers/app'
import { newUser } from '../helpers/factories'

describe('error envelope', () => {
  test('unknown route → 404 not_found envelope', async () => {
    const r = await call('GET', '/api/v1/does-not-exist')
    expect(r.status).toBe(404)
    expect(r.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } })
  })

  test('malformed JSON → 400 bad_request', async () => {
    const admin = await newUser({ role: 'admin' })
    const r = await call('POST', '/api/v1/admin/jobs/email/x/retry', { raw: '{bad', headers: { 'content-type': 'application/json' }, token: admin.token })
    // Retry takes no body; a parse failure must still be an envelope, never a 500.
    expect(r.status).toBeLessThan(500)
    expect(r.body.error.code).toBeString()
  })

  test('validation failure → 422 with per-field details', async () => {
    const admin = await newUser({ role: 'admin' })
    for (const [query, field] of [['limit=500', 'limit'], ['state=nope', 'state'], ['limit=abc', 'limit']]) {
      const r = await call('GET', `/api/v1/admin/jobs?${query}`, { token: admin.token })
      expect(r.status).toBe(422)
      expect(r.body.error.code).toBe('validation_failed')
      expect(r.body.error.details.map((d: { field: string }) => d.field)).toContain(field)
    }
  })

  test('oversized body → 413 payload_too_large', async () => {
    const { deps } = await testApp()
    const r = await call('POST', '/api/v1/ws/ticket', { raw: 'x'.repeat(deps.config.BODY_MAX_BYTES + 1), headers: { 'content-type': 'text/plain', 'content-length': String(deps.config.BODY_MAX_BYTES + 1) } })
    expect(r.status).toBe(413)
    expect(r.body.error.code).toBe('payload_too_large')
  })

  test('missing token → 401 unauthorized; wrong role → 403 forbidden', async () => {
    const r1 = await call('GET', '/api/v1/admin/jobs')
    expect(r1.status).toBe(401)
    expect(r1.body.error.code).toBe('unauthorized')
    const student = await newUser()
    const r2 = await call('GET', '/api/v1/admin/jobs', { token: student.token })
    expect(r2.status).toBe(403)
    expect(r2.body.error.code).toBe('forbidden')
  })
})

describe('request id', () => {
  test('echoes a given X-Request-Id and generates one otherwise', async () => {
    const given = await call('GET', '/health/live', { headers: { 'x-request-id': 'abc-123' } })
    expect(given.headers.get('x-request-id')).toBe('abc-123')
    const generated = await call('GET', '/health/live')
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    const onError = await call('GET', '/nope', { headers: { 'x-request-id': 'err-1' } })
    expect(onError.headers.get('x-request-id')).toBe('err-1')
  })

  test('an unsafe X-Request-Id is replaced', async () => {
    const r = await call('GET', '/health/live', { headers: { 'x-request-id': 'bad id\twith spaces' } })
    expect(r.headers.get('x-request-id')).not.toBe('bad id\twith spaces')
  })

  test('security headers are set', async () => {
    const r = await call('GET', '/health/live')
    expect(r.headers.get('x-content-type-options')).toBe('nosniff')
    expect(r.headers.get('x-frame-options')).toBe('DENY')
  })
})

describe('health, metrics and docs', () => {
  test('live and ready', async () => {
    expect((await call('GET', '/health/live')).body).toEqual({ status: 'ok' })
    const ready = await call('GET', '/health/ready')
    expect(ready.status).toBe(200)
    expect(ready.body.checks.postgres.status).toBe('ok')
    expect(ready.body.checks.redis.latency_ms).toBeNumber()
  })

  test('metrics expose request counts by route pattern, queue depths and ws gauge', async () => {
    await call('GET', '/health/live')
    const r = await call('GET', '/metrics')
    expect(r.status).toBe(200)
    expect(r.text).toContain('http_requests_total{method="GET",route="/health/live",status="200"}')
    expect(r.text).toContain('http_request_duration_seconds_bucket')
    expect(r.text).toContain('queue_depth{queue="email",state="waiting"}')
    expect(r.text).toContain('ws_connections')
  })

  test('request metrics count each response once, by route pattern and final status, with cumulative buckets', async () => {
    const { app } = await testAppWith({})
    for (let i = 0; i < 3; i++) expect((await call('GET', '/health/live', {}, app)).status).toBe(200)
    expect((await call('GET', '/api/v1/nope', {}, app)).status).toBe(404)
    expect((await call('GET', '/api/v1/me', {}, app)).status).toBe(401)
    const text = (await call('GET', '/metrics', {}, app)).text
    const value = (series: string) => Number(text.split('\n').find((l) => l.startsWith(`${series} `))?.slice(series.length + 1))
    expect(value('http_requests_total{method="GET",route="/health/live",status="200"}')).toBe(3)
    expect(value('http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(1)
    expect(value('http_requests_total{method="GET",route="/api/v1/me",status="401"}')).toBe(1)
    expect(value('http_request_duration_seconds_count{method="GET",route="/health/live"}')).toBe(3)
    const buckets = text.split('\n').filter((l) => l.startsWith('http_request_duration_seconds_bucket{') && l.includes('route="/health/live"')).map((l) => Number(l.split(' ').pop()))
    expect(buckets.length).toBe(14)
    expect(buckets.at(-1)).toBe(3)
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]!).toBeGreaterThanOrEqual(buckets[i - 1]!)
  })

  test('OpenAPI document lists routes with summaries; Swagger UI uses local assets', async () => {
    const doc = await call('GET', '/swagger/json')
    expect(doc.status).toBe(200)
    expect(doc.body.openapi).toStartWith('3.')
    expect(doc.body.paths['/api/v1/admin/jobs'].get.summary).toBeString()
    expect(doc.body.components.securitySchemes.bearerAuth.scheme).toBe('bearer')
    const ui = await call('GET', '/swagger')
    expect(ui.text).toContain('/swagger/assets/swagger-ui-bundle.js')
    expect(ui.text).not.toContain('unpkg.com')
    const js = await call('GET', '/swagger/assets/swagger-ui-bundle.js')
    expect(js.status).toBe(200)
    expect(js.text.length).toBeGreaterThan(100000)
    expect((await call('GET', '/swagger/assets/..%2Fpackage.json')).status).toBe(404)
  })
})

describe('input Postgres cannot store', () => {
  test('a NUL character or an out-of-range value reaching SQL → 422, never 500', async () => {
    const { deps } = await testApp()
    const { errorHandler } = await import('../../src/platform/http/error-handler')
    const { Elysia } = await import('elysia')
    // A route that hands client input straight to SQL, as any service would.
    const app = new Elysia().use(errorHandler(deps.log))
      .post('/echo', async ({ body }) => (await deps.sql`select ${(body as { s: string }).s}::text as s`)[0])
      .post('/num', async ({ body }) => (await deps.sql`select ${(body as { n: string }).n}::int as n`)[0])
    const nul = await app.handle(new Request('http://localhost/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ s: 'a\u0000b' }) }))
    expect(nul.status).toBe(422)
    expect(((await nul.json()) as { error: { code: string } }).error.code).toBe('validation_failed')
    const big = await app.handle(new Request('http://localhost/num', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n: '99999999999' }) }))
    expect(big.status).toBe(422)
  })
})

describe('metrics token', () => {
  test('with METRICS_TOKEN set, /metrics needs it as a Bearer token', async () => {
    const { app } = await testAppWith({ METRICS_TOKEN: 'scrape-secret' })
    const none = await call('GET', '/metrics', {}, app)
    expect(none.status).toBe(401)
    expect(none.body.error.code).toBe('unauthorized')
    expect((await call('GET', '/metrics', { token: 'wrong' }, app)).status).toBe(401)
    const ok = await call('GET', '/metrics', { token: 'scrape-secret' }, app)
    expect(ok.status).toBe(200)
    expect(ok.text).toContain('http_requests_total')
  })
})

describe('unexpected errors', () => {
  test('an unknown error → 500 internal without stack or SQL; an uncaught unique violation → 409 conflict', async () => {
    const { deps } = await testApp()
    const { errorHandler } = await import('../../src/platform/http/error-handler')
    const { Elysia } = await import('elysia')
    const app = new Elysia().use(errorHandler(deps.log))
      .get('/boom', () => { throw new Error('select password_hash from users -- secret detail') })
      // A unique violation the service did not translate: a temp table dropped with the transaction.
      .get('/dup', () => deps.sql.begin(async (tx) => {
        await tx`create temporary table dup_probe (k int primary key) on commit drop`
        await tx`insert into dup_probe values (1), (1)`
      }))
    const boom = await app.handle(new Request('http://localhost/boom'))
    expect(boom.status).toBe(500)
    const text = await boom.text()
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: 'Internal server error' } })
    expect(text).not.toContain('secret')
    expect(text).not.toContain('password_hash')
    const dup = await app.handle(new Request('http://localhost/dup'))
    expect(dup.status).toBe(409)
    expect(((await dup.json()) as { error: { code: string } }).error.code).toBe('conflict')
  })
})
