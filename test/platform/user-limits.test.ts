/**
 * Per-user limits of SPEC §12 on the REST routes: each at its boundary (the last allowed
 * request passes, the next is refused with its code and Retry-After), and counted on /metrics.
 */
import { describe, expect, test } from 'bun:test'
import { loadConfig } from '../../src/platform/config'
import { call, listenApp, testApp, testAppWith } from '../helpers/app'
import { newUser, type TestUser } from '../helpers/factories'
import { newConversation, users } from '../helpers/messaging'
import { spawnReplica } from '../helpers/replica'
import { addToCart, newProduct, placeOrder } from '../commerce/fixtures'
import { stripeStandIn } from '../helpers/stripe'

const limitedCount = (metrics: string, limit: string) => {
  const m = metrics.match(new RegExp(`^lyceum_rate_limited_total\\{limit="${limit}"\\} (\\d+)$`, 'm'))
  return m ? Number(m[1]) : 0
}

function expectRateLimited(r: { status: number; body: any; headers: Headers }, code = 'rate_limited') {
  expect(r.status).toBe(429)
  expect(r.body.error.code).toBe(code)
  expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
}

test('defaults of the §12 settings', () => {
  const c = loadConfig({})
  expect([c.LIMIT_MESSAGES_PER_MIN, c.LIMIT_MESSAGES_BURST, c.LIMIT_CONVERSATIONS_PER_HOUR, c.LIMIT_OPEN_ORDERS, c.LIMIT_CHECKOUTS_PER_HOUR, c.UPLOAD_QUOTA_BYTES, c.LIMIT_UPLOADS_PER_HOUR, c.AI_DAILY_MESSAGES])
    .toEqual([120, 60, 30, 3, 20, 1024 ** 3, 60, 50])
})

describe('message sends (LIMIT_MESSAGES_PER_MIN, bursts)', () => {
  test('the bucket is shared by two API processes: the burst spread over both, then 429 on either', async () => {
    // 1 token a minute, a burst of 5: nothing refills while the test runs.
    const env = { LIMIT_MESSAGES_PER_MIN: '1', LIMIT_MESSAGES_BURST: '5' }
    const [a, b] = await Promise.all([listenApp(env), spawnReplica(env)])
    const [alice, bob] = await users(2)
    const conv = await newConversation(alice!, [bob!])
    const send = (base: string, user: TestUser, body: string) =>
      fetch(`${base}/api/v1/conversations/${conv.id}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ body }),
      })
    for (let i = 0; i < 5; i++) expect((await send(i % 2 ? b.http : a.http, alice!, `m${i}`)).status).toBe(201)
    for (const base of [a.http, b.http]) {
      const r = await send(base, alice!, 'one too many')
      expect(r.status).toBe(429)
      expect(((await r.json()) as any).error.code).toBe('rate_limited')
      const retry = Number(r.headers.get('retry-after'))
      expect(retry).toBeGreaterThanOrEqual(1)
      expect(retry).toBeLessThanOrEqual(60)
    }
    // Per user: bob still sends.
    expect((await send(b.http, bob!, 'hi')).status).toBe(201)
    // Nothing refused was stored.
    const rows = await a.deps.sql`select count(*)::int as n from messages where conversation_id = ${conv.id}`
    expect(rows[0]!.n).toBe(6)
    const metrics = await (await fetch(`${a.http}/metrics`)).text()
    expect(limitedCount(metrics, 'messages')).toBe(1)
    b.proc.kill('SIGTERM')
    await b.proc.exited
  }, 40000)

  test('a limit of 0 turns it off', async () => {
    const { app } = await testAppWith({ LIMIT_MESSAGES_PER_MIN: '0', LIMIT_MESSAGES_BURST: '1' })
    const [alice, bob] = await users(2)
    const conv = await newConversation(alice!, [bob!])
    for (let i = 0; i < 4; i++) {
      expect((await call('POST', `/api/v1/conversations/${conv.id}/messages`, { token: alice!.token, body: { body: `m${i}` } }, app)).status).toBe(201)
    }
  })
})

describe('conversations created + participants added (LIMIT_CONVERSATIONS_PER_HOUR = 30)', () => {
  test('29 groups and 1 participant added pass; the 31st of either is 429 with Retry-After', async () => {
    const { app } = await testApp()
    const [owner, other, extra] = await users(3)
    let last = ''
    for (let i = 0; i < 29; i++) last = (await newConversation(owner!, [other!], 'group', `g${i}`)).id
    const added = await call('POST', `/api/v1/conversations/${last}/participants`, { token: owner!.token, body: { user_id: extra!.id } })
    expect(added.status).toBe(200)
    const before = limitedCount((await call('GET', '/metrics', {}, app)).text, 'conversations')
    expectRateLimited(await call('POST', '/api/v1/conversations', { token: owner!.token, body: { type: 'group', participant_ids: [other!.id], name: 'one more' } }))
    const third = await newUser()
    expectRateLimited(await call('POST', `/api/v1/conversations/${last}/participants`, { token: owner!.token, body: { user_id: third.id } }))
    expect(limitedCount((await call('GET', '/metrics', {}, app)).text, 'conversations')).toBe(before + 2)
    // Another user is not affected.
    expect((await call('POST', '/api/v1/conversations', { token: other!.token, body: { type: 'direct', participant_ids: [third.id] } })).status).toBe(201)
  }, 30000)
})

describe('open unpaid orders (LIMIT_OPEN_ORDERS = 3)', () => {
  test('the 4th open order is 409 too_many_open_orders; cancelling one makes room', async () => {
    const user = await newUser()
    const product = await newProduct({ price_cents: 900, stock: 50 })
    const orders = []
    for (let i = 0; i < 3; i++) orders.push((await placeOrder({ user, product })).order)
    expect((await addToCart(user, product.id)).status).toBe(200)
    const refused = await call('POST', '/api/v1/orders', { token: user.token, body: {} })
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('too_many_open_orders')
    // The cart is kept and no stock was taken for the refused order.
    expect((await call('GET', '/api/v1/cart', { token: user.token })).body.items).toHaveLength(1)
    const [{ stock }] = await (await testApp()).deps.sql`select stock from products where id = ${product.id}`
    expect(stock).toBe(47)
    expect((await call('POST', `/api/v1/orders/${orders[0].id}/cancel`, { token: user.token })).status).toBe(200)
    expect((await call('POST', '/api/v1/orders', { token: user.token, body: {} })).status).toBe(201)
  }, 30000)
})

describe('checkouts (LIMIT_CHECKOUTS_PER_HOUR = 20, POST /orders + POST /payments/course-intent)', () => {
  test('19 orders and 1 course intent pass the limit; the 21st of either is 429', async () => {
    stripeStandIn()
    const { app } = await testAppWith({ LIMIT_OPEN_ORDERS: '0' })
    const user = await newUser()
    const product = await newProduct({ price_cents: 500, stock: 100 })
    for (let i = 0; i < 19; i++) {
      expect((await addToCart(user, product.id)).status).toBe(200)
      const r = await call('POST', '/api/v1/orders', { token: user.token, body: {} }, app)
      expect(r.status).toBe(201)
    }
    // Counted even when refused for another reason (no such course).
    expect((await call('POST', '/api/v1/payments/course-intent', { token: user.token, body: { course_id: crypto.randomUUID() } }, app)).status).toBe(404)
    expect((await addToCart(user, product.id)).status).toBe(200)
    expectRateLimited(await call('POST', '/api/v1/orders', { token: user.token, body: {} }, app))
    expectRateLimited(await call('POST', '/api/v1/payments/course-intent', { token: user.token, body: { course_id: crypto.randomUUID() } }, app))
    expect(limitedCount((await call('GET', '/metrics', {}, app)).text, 'checkouts')).toBe(2)
  }, 60000)
})

const textForm = (bytes: number) => {
  const form = new FormData()
  form.append('purpose', 'attachment')
  form.append('file', new Blob(['x'.repeat(bytes)], { type: 'text/plain' }), 'note.txt')
  return form
}

describe('uploads', () => {
  test('UPLOAD_QUOTA_BYTES counts stored bytes: up to the quota passes, beyond is 413 quota_exceeded; a delete frees its bytes', async () => {
    const { app } = await testAppWith({ UPLOAD_QUOTA_BYTES: '300' })
    const user = await newUser()
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      const r = await call('POST', '/api/v1/files', { token: user.token, raw: textForm(100) }, app)
      expect(r.status).toBe(201)
      ids.push(r.body.id)
    }
    const over = await call('POST', '/api/v1/files', { token: user.token, raw: textForm(1) }, app)
    expect(over.status).toBe(413)
    expect(over.body.error.code).toBe('quota_exceeded')
    expect(limitedCount((await call('GET', '/metrics', {}, app)).text, 'upload_quota')).toBe(1)
    expect((await call('DELETE', `/api/v1/files/${ids[0]}`, { token: user.token }, app)).status).toBe(204)
    expect((await call('POST', '/api/v1/files', { token: user.token, raw: textForm(100) }, app)).status).toBe(201)
    expect((await call('POST', '/api/v1/files', { token: user.token, raw: textForm(1) }, app)).status).toBe(413)
  }, 30000)

  test('LIMIT_UPLOADS_PER_HOUR = 60: the 60th upload passes, the 61st is 429 with Retry-After', async () => {
    const user = await newUser()
    for (let i = 0; i < 60; i++) {
      const r = await call('POST', '/api/v1/files', { token: user.token, raw: textForm(10) })
      expect(r.status).toBe(201)
    }
    expectRateLimited(await call('POST', '/api/v1/files', { token: user.token, raw: textForm(10) }))
  }, 60000)
})

test('OpenAPI documents the limits: 429 on every limited route, 409 on checkout, 413 on uploads', async () => {
  const paths = (await call('GET', '/swagger/json')).body.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>
  const codes = (method: string, path: string) => Object.keys(paths[`/api/v1${path}`]![method]!.responses)
  for (const [method, path] of [
    ['post', '/conversations/{id}/messages'], ['post', '/conversations'], ['post', '/conversations/{id}/participants'], ['post', '/orders'],
    ['post', '/payments/course-intent'], ['post', '/files'], ['post', '/ai/chat'], ['post', '/scenarios/{id}/sessions'],
    ['post', '/scenario-sessions/{id}/messages'], ['post', '/scenario-sessions/{id}/resolve'],
  ] as const) expect(codes(method, path)).toContain('429')
  expect(codes('post', '/orders')).toContain('409')
  expect(codes('post', '/payments/course-intent')).toContain('409')
  expect(codes('post', '/files')).toContain('413')
})
