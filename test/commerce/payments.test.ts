import { beforeAll, describe, expect, test } from 'bun:test'
import { call, smtp, testApp, testWorkers, waitFor } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { chargeRefundedEvent, paymentIntentEvent, stripeStandIn } from '../helpers/stripe'
import { deliver, eventsFor, newProduct, orderStatus, placeOrder, productStock } from './fixtures'

beforeAll(async () => {
  stripeStandIn()
  await testWorkers()
})

const piOf = (o: { order: { id: string; total_cents: number; currency: string }; payment: { payment_intent_id: string } }) =>
  ({ id: o.payment.payment_intent_id, amount: o.order.total_cents, currency: o.order.currency, order_id: o.order.id })

async function processed(eventId: string) {
  const { deps } = await testApp()
  return waitFor(async () => (await deps.sql`select 1 from stripe_events where id = ${eventId} and processed_at is not null`).length > 0, { what: `event ${eventId} processed` })
}

describe('webhook signature', () => {
  test('tampered, stale, wrong-secret or missing signature → 400 and nothing changes', async () => {
    const placed = await placeOrder()
    const ev = paymentIntentEvent('payment_intent.succeeded', piOf(placed))
    const tampered = await deliver(ev, { tamper: (s) => s.replace(String(placed.order.total_cents), '1') })
    expect(tampered.status).toBe(400)
    const stale = await deliver(ev, { timestamp: Math.floor(Date.now() / 1000) - 3600 })
    expect(stale.status).toBe(400)
    const wrong = await deliver(ev, { secret: 'whsec_someone_else' })
    expect(wrong.status).toBe(400)
    const missing = await call('POST', '/api/v1/webhooks/stripe', { raw: JSON.stringify(ev), headers: { 'content-type': 'application/json' } })
    expect(missing.status).toBe(400)
    expect(missing.body.error.code).toBe('invalid_signature')
    const { deps } = await testApp()
    expect(await deps.sql`select 1 from stripe_events where id = ${ev.id}`).toHaveLength(0)
    expect(await orderStatus(placed.order.id)).toBe('pending_payment')
  })
})

describe('payment events', () => {
  test('success delivered 3 times shuffled with a failure → one paid order, one payment.completed, one email', async () => {
    const placed = await placeOrder()
    const success = paymentIntentEvent('payment_intent.succeeded', piOf(placed))
    const failure = paymentIntentEvent('payment_intent.payment_failed', piOf(placed))
    const results = await Promise.all([deliver(success), deliver(failure), deliver(success), deliver(success)])
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200])
    expect(results[0]!.body).toEqual({ received: true })
    await processed(success.id)
    await processed(failure.id)
    expect(await orderStatus(placed.order.id)).toBe('paid')
    expect(await eventsFor('payment.completed', placed.order.id)).toHaveLength(1)
    const mail = await smtp().waitFor(placed.user.email, (m) => m.subject.includes(placed.order.id), 20000)
    expect(mail.text).toContain('Total: 25.00 USD')
    // A late duplicate changes nothing and sends nothing.
    expect((await deliver(success)).status).toBe(200)
    await Bun.sleep(300)
    expect(smtp().messagesTo(placed.user.email).filter((m) => m.subject.includes('confirmed'))).toHaveLength(1)
    const me = await call('GET', `/api/v1/orders/${placed.order.id}`, { token: placed.user.token })
    expect(me.body.status).toBe('paid')
    expect(me.body.paid_at).toBeString()
  })

  test('failure then success → payment_failed then paid (the customer retried the same PaymentIntent)', async () => {
    const placed = await placeOrder()
    const failure = paymentIntentEvent('payment_intent.payment_failed', piOf(placed))
    await deliver(failure)
    await processed(failure.id)
    expect(await orderStatus(placed.order.id)).toBe('payment_failed')
    expect(await productStock(placed.product.id)).toBe(9)
    const success = paymentIntentEvent('payment_intent.succeeded', piOf(placed))
    await deliver(success)
    await processed(success.id)
    expect(await orderStatus(placed.order.id)).toBe('paid')
  })

  test('cancel: a payment_failed order can be cancelled; a paid one cannot (409 invalid_transition)', async () => {
    const failed = await placeOrder()
    const failure = paymentIntentEvent('payment_intent.payment_failed', piOf(failed))
    await deliver(failure)
    await processed(failure.id)
    const c = await call('POST', `/api/v1/orders/${failed.order.id}/cancel`, { token: failed.user.token })
    expect(c.status).toBe(200)
    expect(c.body.status).toBe('cancelled')
    const paid = await placeOrder()
    const success = paymentIntentEvent('payment_intent.succeeded', piOf(paid))
    await deliver(success)
    await processed(success.id)
    const r = await call('POST', `/api/v1/orders/${paid.order.id}/cancel`, { token: paid.user.token })
    expect(r.status).toBe(409)
    expect(r.body.error.code).toBe('invalid_transition')
  })

  test('charge.refunded → refunded + order.refunded; a refund before the success keeps it refunded, no payment.completed', async () => {
    const placed = await placeOrder()
    const success = paymentIntentEvent('payment_intent.succeeded', piOf(placed))
    await deliver(success)
    await processed(success.id)
    const refund = chargeRefundedEvent(piOf(placed))
    await deliver(refund)
    await processed(refund.id)
    expect(await orderStatus(placed.order.id)).toBe('refunded')
    expect(await eventsFor('order.refunded', placed.order.id)).toHaveLength(1)

    const early = await placeOrder()
    const earlyRefund = chargeRefundedEvent(piOf(early))
    await deliver(earlyRefund)
    await processed(earlyRefund.id)
    const late = paymentIntentEvent('payment_intent.succeeded', piOf(early))
    await deliver(late)
    await processed(late.id)
    expect(await orderStatus(early.order.id)).toBe('refunded')
    expect(await eventsFor('payment.completed', early.order.id)).toHaveLength(0)
  })
})

describe('order expiry', () => {
  async function expireNow(orderId: string) {
    const { deps } = await testApp()
    const job = await waitFor(() => deps.queues.maintenance.getJob(`order-expire-${orderId}`), { what: 'expiry job', timeoutMs: 20000 })
    expect(job.opts.delay).toBeGreaterThan(25 * 60 * 1000)
    await job.promote()
    await waitFor(async () => (await orderStatus(orderId)) === 'expired', { what: 'order expired', timeoutMs: 20000 })
  }

  test('an unpaid order expires after the TTL job: stock released, PaymentIntent cancelled', async () => {
    const placed = await placeOrder({ quantity: 4 })
    expect(await productStock(placed.product.id)).toBe(6)
    await expireNow(placed.order.id)
    expect(await productStock(placed.product.id)).toBe(10)
    await waitFor(() => stripeStandIn().callsTo(`/v1/payment_intents/${placed.payment.payment_intent_id}/cancel`).length === 1, { what: 'PI cancel', timeoutMs: 20000 })
  })

  test('a late success re-reserves the stock if it can, else refunds automatically', async () => {
    const ok = await placeOrder({ quantity: 2 })
    await expireNow(ok.order.id)
    const okSuccess = paymentIntentEvent('payment_intent.succeeded', piOf(ok))
    await deliver(okSuccess)
    await processed(okSuccess.id)
    expect(await orderStatus(ok.order.id)).toBe('paid')
    expect(await productStock(ok.product.id)).toBe(8)

    const gone = await placeOrder({ quantity: 3 })
    await expireNow(gone.order.id)
    const { deps } = await testApp()
    await deps.sql`update products set stock = 1 where id = ${gone.product.id}`
    const lateSuccess = paymentIntentEvent('payment_intent.succeeded', piOf(gone))
    await deliver(lateSuccess)
    await processed(lateSuccess.id)
    expect(await orderStatus(gone.order.id)).toBe('expired')
    expect(await productStock(gone.product.id)).toBe(1)
    const refund = stripeStandIn().callsTo('/v1/refunds').find((c) => c.params.payment_intent === gone.payment.payment_intent_id)
    expect(refund?.idempotencyKey).toBe(`refund-${gone.order.id}`)
  })
})

describe('admin', () => {
  test('unknown user token cannot see admin orders', async () => {
    const s = await newUser()
    expect((await call('GET', '/api/v1/admin/orders', { token: s.token })).status).toBe(403)
  })
})

describe('sweep', () => {
  test('the periodic sweep expires an overdue order whose TTL job was lost, and is scheduled when orders are taken', async () => {
    const placed = await placeOrder({ quantity: 2 })
    const { deps } = await testApp()
    await waitFor(() => deps.queues.maintenance.getJob(`order-expire-${placed.order.id}`), { what: 'expiry job', timeoutMs: 20000 })
    await (await deps.queues.maintenance.getJob(`order-expire-${placed.order.id}`))!.remove()
    await deps.sql`update orders set expires_at = now() - interval '2 minutes' where id = ${placed.order.id}`
    expect((await deps.queues.maintenance.getJobSchedulers()).map((s) => s.key ?? s.id)).toContain('commerce-sweep')
    await deps.queues.maintenance.add('commerce.sweep', {})
    await waitFor(async () => (await orderStatus(placed.order.id)) === 'expired', { what: 'swept', timeoutMs: 20000 })
    expect(await productStock(placed.product.id)).toBe(10)
  })
})

describe('other events', () => {
  test('a paid course product pointing at no existing course still confirms the order (nothing to grant)', async () => {
    const product = await newProduct({ kind: 'course', course_id: crypto.randomUUID(), price_cents: 1900 })
    const placed = await placeOrder({ product })
    const success = paymentIntentEvent('payment_intent.succeeded', piOf(placed))
    await deliver(success)
    await processed(success.id)
    expect(await orderStatus(placed.order.id)).toBe('paid')
    await smtp().waitFor(placed.user.email, (m) => m.subject.includes(placed.order.id), 20000)
  })


  test('an event type commerce does not handle is recorded once and answered 200', async () => {
    const ev = { id: `evt_other_${Date.now()}`, type: 'customer.created', data: { object: { id: 'cus_1', object: 'customer' } } }
    expect((await deliver(ev)).status).toBe(200)
    expect((await deliver(ev)).status).toBe(200)
    await processed(ev.id)
    const { deps } = await testApp()
    expect(await deps.sql`select 1 from stripe_events where id = ${ev.id}`).toHaveLength(1)
  })
})
