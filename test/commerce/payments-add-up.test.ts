/**
 * SPEC §12 "Payments that add up", through real signed webhooks built by the Stripe stand-in:
 * amount/currency mismatches go to review, nothing is granted twice or after a refund,
 * partial refunds, disputes, stock given back exactly once, archived products not sold.
 */
import { beforeAll, describe, expect, test } from 'bun:test'
import { call, smtp, testApp, testWorkerDeps, testWorkers, waitFor } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { stripeStandIn } from '../helpers/stripe'
import { revenueByCurrencyAndDay } from '../../src/commerce/public'
import { config } from '../../src/platform/config'
import { stripeClient } from '../../src/platform/stripe'
import { addToCart, deliver, eventsFor, newPaidCourse, newProduct, orderStatus, placeOrder, productStock, theAdmin } from './fixtures'

beforeAll(async () => {
  stripeStandIn()
  await testWorkers()
})

type Ev = { id: string; type: string; data: { object: Record<string, unknown> } }

async function processed(eventId: string) {
  const { deps } = await testApp()
  await waitFor(async () => (await deps.sql`select 1 from stripe_events where id = ${eventId} and processed_at is not null`).length > 0, { what: `event ${eventId} processed`, timeoutMs: 20000 })
}

/** Delivers signed Stripe events (200 asserted) and waits until the worker applied each. */
async function send(...events: (Ev | Record<string, unknown> | undefined)[]) {
  for (const ev of events) expect((await deliver(ev as Record<string, unknown>)).status).toBe(200)
  for (const ev of events) await processed((ev as Ev).id)
}

async function enrollment(userId: string, courseId: string) {
  const { deps } = await testApp()
  const [row] = await deps.sql<{ id: string; status: string }[]>`select id, status from enrollments where user_id = ${userId} and course_id = ${courseId}`
  return row ?? null
}

const waitEnrollment = (userId: string, courseId: string, status: string) =>
  waitFor(async () => ((await enrollment(userId, courseId))?.status === status ? true : null), { what: `enrollment ${status}`, timeoutMs: 20000 })

/** A learner with a pending one-course order (course product created by the worker). */
async function coursePurchase(price_cents = 2900) {
  const { course } = await newPaidCourse(price_cents)
  const { deps } = await testApp()
  await waitFor(async () => (await deps.sql`select 1 from products where course_id = ${course.id} and status = 'active'`).length > 0, { what: 'course product', timeoutMs: 20000 })
  const learner = await newUser()
  const r = await call('POST', '/api/v1/payments/course-intent', { token: learner.token, body: { course_id: course.id } })
  expect(r.status).toBe(201)
  return { course, learner, order: r.body.order as { id: string; total_cents: number; currency: string }, pi: r.body.payment.payment_intent_id as string }
}

/** A paid course purchase with the learner enrolled. */
async function paidCoursePurchase(price_cents = 2900) {
  const p = await coursePurchase(price_cents)
  await send(stripeStandIn().succeed(p.pi))
  expect(await orderStatus(p.order.id)).toBe('paid')
  await waitEnrollment(p.learner.id, p.course.id, 'active')
  return p
}

async function adminOrder(id: string) {
  const admin = await theAdmin()
  const r = await call('GET', `/api/v1/admin/orders/${id}`, { token: admin.token })
  expect(r.status).toBe(200)
  return r.body
}

async function withErrorLog<T>(fn: (errors: { msg: string; fields?: Record<string, unknown> }[]) => Promise<T>) {
  const wd = await testWorkerDeps()
  const errors: { msg: string; fields?: Record<string, unknown> }[] = []
  const original = wd.log.error
  wd.log.error = (msg, fields) => { errors.push({ msg, fields }); original(msg, fields) }
  try { return await fn(errors) } finally { wd.log.error = original }
}

async function issueCertificate(userId: string, courseId: string, enrollmentId: string) {
  const { deps } = await testApp()
  const number = `CERT-20260101-${Math.random().toString(36).slice(2, 8).toUpperCase()}`
  await deps.sql`insert into certificates (enrollment_id, user_id, course_id, number, learner_name, course_title, instructor_name, pdf_stored_at)
    values (${enrollmentId}, ${userId}, ${courseId}, ${number}, 'L', 'C', 'I', now())`
  return number
}
const certificateValid = async (number: string) => (await call('GET', `/api/v1/certificates/verify/${number}`)).body.valid as boolean

describe('amount or currency mismatch → payment_review', () => {
  test('a short payment grants nothing, logs an error, is listed for admins; PATCH paid then grants as a normal payment', async () => {
    const admin = await theAdmin()
    const p = await coursePurchase(2900)
    await withErrorLog(async (errors) => {
      await send(stripeStandIn().succeed(p.pi, { amount_received: 100 }))
      expect(errors.some((e) => e.fields?.order_id === p.order.id && /mismatch/.test(e.msg))).toBe(true)
    })
    expect(await orderStatus(p.order.id)).toBe('payment_review')
    expect(await eventsFor('payment.completed', p.order.id)).toHaveLength(0)
    expect(await enrollment(p.learner.id, p.course.id)).toBeNull()
    const mine = await call('GET', `/api/v1/orders/${p.order.id}`, { token: p.learner.token })
    expect(mine.body).toMatchObject({ status: 'payment_review', received_cents: 100, received_currency: 'usd', refunded_cents: 0, paid_at: null })
    const listed = await call('GET', '/api/v1/admin/orders?status=payment_review&limit=100', { token: admin.token })
    expect(listed.status).toBe(200)
    expect(listed.body.items.map((o: { id: string }) => o.id)).toContain(p.order.id)
    // Not owned: the learner cannot enroll and cannot cancel it either.
    expect((await call('POST', `/api/v1/courses/${p.course.id}/enroll`, { token: p.learner.token })).status).toBe(402)
    expect((await call('POST', `/api/v1/orders/${p.order.id}/cancel`, { token: p.learner.token })).status).toBe(409)
    // A duplicate of the same success changes nothing.
    await send(stripeStandIn().succeed(p.pi, { amount_received: 100 }))
    expect(await orderStatus(p.order.id)).toBe('payment_review')
    expect((await call('PATCH', `/api/v1/admin/orders/${p.order.id}`, { token: admin.token, body: { status: 'processing' } })).status).toBe(409)

    const { deps } = await testApp()
    const usd = async () => (await revenueByCurrencyAndDay(deps.sql)).find((r) => r.currency === 'usd')?.total_cents ?? 0
    const before = await usd()
    const ok = await call('PATCH', `/api/v1/admin/orders/${p.order.id}`, { token: admin.token, body: { status: 'paid' } })
    expect(ok.status).toBe(200)
    expect(ok.body.status).toBe('paid')
    expect(ok.body.paid_at).toBeString()
    await waitEnrollment(p.learner.id, p.course.id, 'active')
    expect(await eventsFor('payment.completed', p.order.id)).toHaveLength(1)
    await smtp().waitFor(p.learner.email, (m) => m.subject.includes(p.order.id), 20000)
    // Revenue counts what was received.
    expect((await usd()) - before).toBe(100)
    expect((await call('PATCH', `/api/v1/admin/orders/${p.order.id}`, { token: admin.token, body: { status: 'paid' } })).status).toBe(409)
  })

  test('a payment in another currency is resolved by a refund of what was received; its stock comes back', async () => {
    const admin = await theAdmin()
    const placed = await placeOrder({ quantity: 2 })
    expect(await productStock(placed.product.id)).toBe(8)
    await send(stripeStandIn().succeed(placed.payment.payment_intent_id, { currency: 'eur' }))
    expect(await orderStatus(placed.order.id)).toBe('payment_review')
    expect(await adminOrder(placed.order.id)).toMatchObject({ received_cents: 5000, received_currency: 'eur' })
    const r = await call('POST', `/api/v1/admin/orders/${placed.order.id}/refund`, { token: admin.token, body: {} })
    expect(r.status).toBe(200)
    const refundCall = stripeStandIn().callsTo('/v1/refunds').find((c) => c.params.payment_intent === placed.payment.payment_intent_id)
    expect(refundCall?.idempotencyKey).toBe(`refund-${placed.order.id}`)
    const refunded = stripeStandIn().lastRefundEvent(placed.payment.payment_intent_id) as Ev
    expect(refunded.data.object).toMatchObject({ amount_refunded: 5000, currency: 'eur', refunded: true })
    await send(refunded)
    expect(await orderStatus(placed.order.id)).toBe('refunded')
    expect(await productStock(placed.product.id)).toBe(10)
    expect(await eventsFor('payment.completed', placed.order.id)).toHaveLength(0)
  })

  test('a payment whose amount and currency match is paid exactly as before', async () => {
    const placed = await placeOrder()
    await send(stripeStandIn().succeed(placed.payment.payment_intent_id))
    expect(await adminOrder(placed.order.id)).toMatchObject({ status: 'paid', received_cents: 2500, received_currency: 'usd', refunded_cents: 0 })
    expect(await eventsFor('payment.completed', placed.order.id)).toHaveLength(1)
  })
})

describe('nothing is granted after a refund', () => {
  test('payment.completed handled again after order.refunded does not re-activate the revoked enrollment', async () => {
    const admin = await theAdmin()
    const p = await paidCoursePurchase()
    expect((await call('POST', `/api/v1/admin/orders/${p.order.id}/refund`, { token: admin.token })).status).toBe(200)
    await send(stripeStandIn().lastRefundEvent(p.pi))
    expect(await orderStatus(p.order.id)).toBe('refunded')
    await waitEnrollment(p.learner.id, p.course.id, 'revoked')
    // The events queue delivers the payment.completed event again, after the refund was handled.
    const { deps } = await testApp()
    const [row] = await deps.sql<{ id: string; type: string; payload: Record<string, unknown>; created_at: Date }[]>`
      select id, type, payload, created_at from outbox where type = 'payment.completed' and payload->>'order_id' = ${p.order.id}`
    const jobId = `redeliver-${row!.id}-${Date.now()}`
    await deps.queues.events.add(row!.type, { id: String(row!.id), type: row!.type, payload: row!.payload, created_at: row!.created_at.toISOString() }, { jobId })
    await waitFor(async () => (await (await deps.queues.events.getJob(jobId))?.getState()) === 'completed', { what: 'redelivered job done', timeoutMs: 20000 })
    expect((await enrollment(p.learner.id, p.course.id))!.status).toBe('revoked')
    // A success Stripe sends again (new event id) leaves it refunded.
    await send(stripeStandIn().succeed(p.pi))
    expect(await orderStatus(p.order.id)).toBe('refunded')
    expect((await enrollment(p.learner.id, p.course.id))!.status).toBe('revoked')
    expect((await call('POST', `/api/v1/courses/${p.course.id}/enroll`, { token: p.learner.token })).status).toBe(402)
  })
})

describe('partial refunds', () => {
  test('a partial refund is recorded and keeps access; the rest refunds fully; too much → 409', async () => {
    const admin = await theAdmin()
    const p = await paidCoursePurchase(2900)
    const { deps } = await testApp()
    const usd = async () => (await revenueByCurrencyAndDay(deps.sql)).find((r) => r.currency === 'usd')?.total_cents ?? 0
    const before = await usd()
    const part = await call('POST', `/api/v1/admin/orders/${p.order.id}/refund`, { token: admin.token, body: { amount_cents: 1000 } })
    expect(part.status).toBe(200)
    expect(part.body.status).toBe('paid')
    await send(stripeStandIn().lastRefundEvent(p.pi))
    expect(await adminOrder(p.order.id)).toMatchObject({ status: 'paid', refunded_cents: 1000 })
    expect((await call('GET', `/api/v1/orders/${p.order.id}`, { token: p.learner.token })).body.refunded_cents).toBe(1000)
    expect((await enrollment(p.learner.id, p.course.id))!.status).toBe('active')
    expect(before - (await usd())).toBe(1000)

    const tooMuch = await call('POST', `/api/v1/admin/orders/${p.order.id}/refund`, { token: admin.token, body: { amount_cents: 1901 } })
    expect(tooMuch.status).toBe(409)
    expect(tooMuch.body.error.code).toBe('refund_exceeds_remaining')
    expect((await call('POST', `/api/v1/admin/orders/${p.order.id}/refund`, { token: admin.token, body: { amount_cents: 0 } })).status).toBe(422)

    const rest = await call('POST', `/api/v1/admin/orders/${p.order.id}/refund`, { token: admin.token, body: {} })
    expect(rest.status).toBe(200)
    const calls = stripeStandIn().callsTo('/v1/refunds').filter((c) => c.params.payment_intent === p.pi)
    expect(calls.map((c) => c.params.amount)).toEqual(['1000', '1900'])
    await send(stripeStandIn().lastRefundEvent(p.pi))
    expect(await adminOrder(p.order.id)).toMatchObject({ status: 'refunded', refunded_cents: 2900 })
    await waitEnrollment(p.learner.id, p.course.id, 'revoked')
    const again = await call('POST', `/api/v1/admin/orders/${p.order.id}/refund`, { token: admin.token, body: {} })
    expect(again.status).toBe(409)
  })

  test('two refunds asked before any webhook, their events delivered in reverse order and twice → refunded once', async () => {
    const admin = await theAdmin()
    const placed = await placeOrder({ quantity: 1 })
    await send(stripeStandIn().succeed(placed.payment.payment_intent_id))
    expect((await call('POST', `/api/v1/admin/orders/${placed.order.id}/refund`, { token: admin.token, body: { amount_cents: 500 } })).status).toBe(200)
    const first = stripeStandIn().lastRefundEvent(placed.payment.payment_intent_id)
    // The second asks for "the rest" while the first is not confirmed yet: 2000, not 2500.
    expect((await call('POST', `/api/v1/admin/orders/${placed.order.id}/refund`, { token: admin.token })).status).toBe(200)
    const second = stripeStandIn().lastRefundEvent(placed.payment.payment_intent_id)
    expect(second).not.toBe(first)
    await send(second, first, second, first)
    expect(await adminOrder(placed.order.id)).toMatchObject({ status: 'refunded', refunded_cents: 2500 })
    expect(await productStock(placed.product.id)).toBe(10)
    expect(await eventsFor('order.refunded', placed.order.id)).toHaveLength(1)
  })

  test('Stripe refusing a refund (one made in its dashboard is not known yet) → 409 refund_rejected, nothing reserved', async () => {
    const admin = await theAdmin()
    const placed = await placeOrder()
    const pi = placed.payment.payment_intent_id
    await send(stripeStandIn().succeed(pi))
    // Someone refunds 2000 in the Stripe dashboard; its webhook has not arrived.
    await stripeClient(config).refunds.create({ payment_intent: pi, amount: 2000 })
    const rejected = await call('POST', `/api/v1/admin/orders/${placed.order.id}/refund`, { token: admin.token, body: { amount_cents: 1000 } })
    expect(rejected.status).toBe(409)
    expect(rejected.body.error.code).toBe('refund_rejected')
    expect(rejected.body.error.message).not.toContain('sk_')
    // The refused amount was not kept as asked for: 500 (what Stripe has left) still goes through.
    expect((await call('POST', `/api/v1/admin/orders/${placed.order.id}/refund`, { token: admin.token, body: { amount_cents: 500 } })).status).toBe(200)
    await send(stripeStandIn().lastRefundEvent(pi))
    expect(await adminOrder(placed.order.id)).toMatchObject({ status: 'refunded', refunded_cents: 2500 })
    expect((await call('POST', `/api/v1/admin/orders/${crypto.randomUUID()}/refund`, { token: admin.token })).status).toBe(404)
    expect((await call('POST', `/api/v1/admin/orders/${placed.order.id}/refund`, { token: placed.user.token })).status).toBe(403)
  })
})

describe('disputes', () => {
  test('opened and won: access and certificate revoked, then restored; no refund while disputed', async () => {
    const admin = await theAdmin()
    const p = await paidCoursePurchase()
    const e = (await enrollment(p.learner.id, p.course.id))!
    const cert = await issueCertificate(p.learner.id, p.course.id, e.id)
    expect(await certificateValid(cert)).toBe(true)
    await send(stripeStandIn().dispute(p.pi, 'needs_response'))
    expect(await adminOrder(p.order.id)).toMatchObject({ status: 'disputed', dispute_status: 'needs_response' })
    await waitEnrollment(p.learner.id, p.course.id, 'revoked')
    expect(await certificateValid(cert)).toBe(false)
    expect((await call('GET', '/api/v1/admin/orders?status=disputed&limit=100', { token: admin.token })).body.items.map((o: { id: string }) => o.id)).toContain(p.order.id)
    const refuse = await call('POST', `/api/v1/admin/orders/${p.order.id}/refund`, { token: admin.token })
    expect(refuse.status).toBe(409)
    expect((await call('PATCH', `/api/v1/admin/orders/${p.order.id}`, { token: admin.token, body: { status: 'paid' } })).status).toBe(409)

    const won = stripeStandIn().dispute(p.pi, 'won')
    await send(won, won)
    expect(await adminOrder(p.order.id)).toMatchObject({ status: 'paid', dispute_status: 'won' })
    await waitEnrollment(p.learner.id, p.course.id, 'active')
    await waitFor(() => certificateValid(cert), { what: 'certificate restored', timeoutMs: 20000 })
  })

  test('opened and lost → refunded, access stays revoked; physical stock comes back once', async () => {
    const p = await paidCoursePurchase()
    await send(stripeStandIn().dispute(p.pi, 'needs_response'))
    await waitEnrollment(p.learner.id, p.course.id, 'revoked')
    const lost = stripeStandIn().dispute(p.pi, 'lost')
    await send(lost, lost)
    expect(await orderStatus(p.order.id)).toBe('refunded')
    expect((await enrollment(p.learner.id, p.course.id))!.status).toBe('revoked')
    expect(await eventsFor('order.refunded', p.order.id)).toHaveLength(1)

    const placed = await placeOrder({ quantity: 3 })
    await send(stripeStandIn().succeed(placed.payment.payment_intent_id))
    await send(stripeStandIn().dispute(placed.payment.payment_intent_id, 'needs_response'))
    expect(await productStock(placed.product.id)).toBe(7)
    await send(stripeStandIn().dispute(placed.payment.payment_intent_id, 'lost'), stripeStandIn().dispute(placed.payment.payment_intent_id, 'lost'))
    expect(await orderStatus(placed.order.id)).toBe('refunded')
    expect(await productStock(placed.product.id)).toBe(10)
  })

  test('a dispute closed (won) before its opening event arrives leaves the order paid with access', async () => {
    const p = await paidCoursePurchase()
    const opened = stripeStandIn().dispute(p.pi, 'needs_response')
    const won = stripeStandIn().dispute(p.pi, 'won')
    await send(won, opened)
    expect(await adminOrder(p.order.id)).toMatchObject({ status: 'paid', dispute_status: 'won' })
    // Let every event the order wrote be handled, then check access was never taken away for good.
    const { deps } = await testApp()
    await waitFor(async () => (await deps.sql`select 1 from outbox where dispatched_at is null`).length === 0, { what: 'outbox drained', timeoutMs: 20000 })
    await waitEnrollment(p.learner.id, p.course.id, 'active')
  })
})

describe('stock comes back exactly once', () => {
  test('a paid physical order refunded (events repeated and shuffled with a late success) restocks once', async () => {
    const admin = await theAdmin()
    const placed = await placeOrder({ quantity: 4 })
    const pi = placed.payment.payment_intent_id
    const success = stripeStandIn().succeed(pi)
    await send(success)
    expect(await productStock(placed.product.id)).toBe(6)
    expect((await call('POST', `/api/v1/admin/orders/${placed.order.id}/refund`, { token: admin.token })).status).toBe(200)
    const refunded = stripeStandIn().lastRefundEvent(pi)!
    const resent = { ...refunded, id: `${refunded.id}_resent` }
    const lateSuccess = { ...success, id: `${success.id}_late` }
    await Promise.all([deliver(refunded), deliver(resent), deliver(lateSuccess), deliver(refunded)])
    await send(refunded, resent, lateSuccess)
    expect(await orderStatus(placed.order.id)).toBe('refunded')
    expect(await productStock(placed.product.id)).toBe(10)
  })

  test('cancel, expiry and an early refund racing on an unpaid order give the stock back once', async () => {
    const placed = await placeOrder({ quantity: 3 })
    const pi = { id: placed.payment.payment_intent_id, amount: placed.order.total_cents, currency: 'usd' }
    expect(await productStock(placed.product.id)).toBe(7)
    const { deps } = await testApp()
    const refund = { id: `evt_early_${Date.now()}`, type: 'charge.refunded', data: { object: { id: `ch_${pi.id}`, object: 'charge', amount: pi.amount, amount_refunded: pi.amount, refunded: true, currency: 'usd', payment_intent: pi.id, metadata: {} } } }
    await Promise.all([
      call('POST', `/api/v1/orders/${placed.order.id}/cancel`, { token: placed.user.token }),
      deps.queues.maintenance.add('commerce.expire-order', { order_id: placed.order.id }, { jobId: `race-expire-${placed.order.id}` }),
      deliver(refund), deliver({ ...refund, id: `${refund.id}_2` }),
    ])
    await send(refund, { ...refund, id: `${refund.id}_2` })
    await waitFor(async () => (await (await deps.queues.maintenance.getJob(`race-expire-${placed.order.id}`))?.getState()) === 'completed', { what: 'expiry ran', timeoutMs: 20000 })
    expect(await orderStatus(placed.order.id)).toBe('refunded')
    expect(await productStock(placed.product.id)).toBe(10)
    // A success arriving after all that takes nothing again.
    await send(stripeStandIn().succeed(pi.id))
    expect(await orderStatus(placed.order.id)).toBe('refunded')
    expect(await productStock(placed.product.id)).toBe(10)
  })

  test('a refund that arrives before the success of a pending order gives its held stock back', async () => {
    const placed = await placeOrder({ quantity: 2 })
    const pi = placed.payment.payment_intent_id
    const refund = { id: `evt_pre_${Date.now()}`, type: 'charge.refunded', data: { object: { id: `ch_${pi}`, object: 'charge', amount: 5000, amount_refunded: 5000, refunded: true, currency: 'usd', payment_intent: pi, metadata: {} } } }
    await send(refund)
    expect(await orderStatus(placed.order.id)).toBe('refunded')
    expect(await productStock(placed.product.id)).toBe(10)
  })
})

describe('archived products are not sold', () => {
  test('archiving a course archives its product: cart add and course checkout → 409 product_unavailable', async () => {
    const { course, instructor } = await newPaidCourse(1900)
    const { deps } = await testApp()
    const product = await waitFor(async () => (await deps.sql<{ id: string }[]>`select id from products where course_id = ${course.id} and status = 'active'`)[0], { what: 'course product', timeoutMs: 20000 })
    const early = await newUser()
    expect((await addToCart(early, product.id)).status).toBe(200)
    expect((await call('POST', `/api/v1/courses/${course.id}/archive`, { token: instructor.token })).status).toBe(200)
    await waitFor(async () => (await deps.sql`select 1 from products where id = ${product.id} and status = 'archived'`).length > 0, { what: 'product archived', timeoutMs: 20000 })
    const u = await newUser()
    const add = await addToCart(u, product.id)
    expect(add.status).toBe(409)
    expect(add.body.error.code).toBe('product_unavailable')
    const intent = await call('POST', '/api/v1/payments/course-intent', { token: u.token, body: { course_id: course.id } })
    expect(intent.status).toBe(409)
    expect(intent.body.error.code).toBe('product_unavailable')
    // The learner who had it in the cart before: the cart says so, checkout refuses until it is removed.
    const cart = await call('GET', '/api/v1/cart', { token: early.token })
    expect(cart.body.items).toEqual([])
    expect(cart.body.warnings).toEqual([expect.objectContaining({ product_id: product.id, code: 'unavailable' })])
    const order = await call('POST', '/api/v1/orders', { token: early.token, body: {} })
    expect(order.status).toBe(409)
    expect(order.body.error.code).toBe('product_unavailable')
    expect(order.body.error.details[0].field).toBe(product.id)
    expect((await call('DELETE', `/api/v1/cart/items/${product.id}`, { token: early.token })).status).toBe(200)
    expect((await call('POST', '/api/v1/orders', { token: early.token, body: {} })).body.error.code).toBe('cart_empty')
  })

  test('an admin-archived product in a cart → 409 product_unavailable on patch and checkout', async () => {
    const admin = await theAdmin()
    const u = await newUser()
    const keep = await newProduct({ price_cents: 700 })
    const gone = await newProduct({ price_cents: 800 })
    await addToCart(u, keep.id)
    await addToCart(u, gone.id)
    expect((await call('DELETE', `/api/v1/admin/products/${gone.id}`, { token: admin.token })).status).toBe(204)
    const patch = await call('PATCH', `/api/v1/cart/items/${gone.id}`, { token: u.token, body: { quantity: 2 } })
    expect(patch.status).toBe(409)
    expect(patch.body.error.code).toBe('product_unavailable')
    const order = await call('POST', '/api/v1/orders', { token: u.token, body: {}, headers: { 'idempotency-key': `k-${Date.now()}` } })
    expect(order.status).toBe(409)
    expect(order.body.error.code).toBe('product_unavailable')
    await call('DELETE', `/api/v1/cart/items/${gone.id}`, { token: u.token })
    const ok = await call('POST', '/api/v1/orders', { token: u.token, body: {} })
    expect(ok.status).toBe(201)
    expect(ok.body.order.total_cents).toBe(700)
  })
})

describe('contract', () => {
  test('the OpenAPI document names the new statuses, fields and error codes', async () => {
    const doc = await call('GET', '/swagger/json')
    const paths = doc.body.paths as Record<string, Record<string, unknown>>
    const adminList = JSON.stringify(paths['/api/v1/admin/orders']!.get)
    expect(adminList).toContain('payment_review')
    expect(adminList).toContain('disputed')
    expect(adminList).toContain('refunded_cents')
    const refund = JSON.stringify(paths['/api/v1/admin/orders/{id}/refund']!.post)
    expect(refund).toContain('amount_cents')
    expect(refund).toContain('refund_exceeds_remaining')
    expect(JSON.stringify(paths['/api/v1/orders']!.post)).toContain('product_unavailable')
    expect(JSON.stringify(paths['/api/v1/cart/items']!.post)).toContain('product_unavailable')
  })
})
