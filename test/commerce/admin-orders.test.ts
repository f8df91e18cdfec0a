import { beforeAll, describe, expect, test } from 'bun:test'
import { call, listenApp, smtp, testApp, testWorkers, waitFor } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { connectWs } from '../helpers/ws'
import { chargeRefundedEvent, paymentIntentEvent, stripeStandIn } from '../helpers/stripe'
import { revenueByCurrencyAndDay } from '../../src/commerce/public'
import { addToCart, deliver, newProduct, orderStatus, placeOrder, theAdmin } from './fixtures'

beforeAll(async () => {
  stripeStandIn()
  await testWorkers()
})

async function paidOrder(opts: { price_cents?: number } = {}) {
  const placed = await placeOrder({ price_cents: opts.price_cents })
  const ev = paymentIntentEvent('payment_intent.succeeded', { id: placed.payment.payment_intent_id, amount: placed.order.total_cents, currency: 'usd', order_id: placed.order.id })
  expect((await deliver(ev)).status).toBe(200)
  await waitFor(async () => (await orderStatus(placed.order.id)) === 'paid', { what: 'paid', timeoutMs: 20000 })
  return placed
}

describe('admin orders', () => {
  test('list with status and user filters; detail; 401/403', async () => {
    const admin = await theAdmin()
    const paid = await paidOrder()
    const pending = await placeOrder({ user: paid.user })
    const all = await call('GET', `/api/v1/admin/orders?user_id=${paid.user.id}`, { token: admin.token })
    expect(all.status).toBe(200)
    expect(all.body.items.map((o: { id: string }) => o.id)).toEqual([pending.order.id, paid.order.id])
    const onlyPaid = await call('GET', `/api/v1/admin/orders?user_id=${paid.user.id}&status=paid`, { token: admin.token })
    expect(onlyPaid.body.items.map((o: { id: string }) => o.id)).toEqual([paid.order.id])
    expect((await call('GET', '/api/v1/admin/orders?status=lost', { token: admin.token })).status).toBe(422)
    expect((await call('GET', `/api/v1/admin/orders/${paid.order.id}`, { token: admin.token })).body.user_id).toBe(paid.user.id)
    expect((await call('GET', '/api/v1/admin/orders')).status).toBe(401)
    expect((await call('GET', '/api/v1/admin/orders', { token: paid.user.token })).status).toBe(403)
  })

  test('paid → processing → shipped → delivered; each step emails and notifies on the socket; bad steps 409', async () => {
    const admin = await theAdmin()
    const { user, order } = await paidOrder()
    const { ws } = await listenApp()
    const socket = await connectWs(`${ws}/api/v1/ws?token=${user.token}`)
    await socket.next('hello')
    const skip = await call('PATCH', `/api/v1/admin/orders/${order.id}`, { token: admin.token, body: { status: 'shipped' } })
    expect(skip.status).toBe(409)
    expect(skip.body.error.code).toBe('invalid_transition')
    const refundedByPatch = await call('PATCH', `/api/v1/admin/orders/${order.id}`, { token: admin.token, body: { status: 'refunded' } })
    expect(refundedByPatch.status).toBe(409)
    const p = await call('PATCH', `/api/v1/admin/orders/${order.id}`, { token: admin.token, body: { status: 'processing' } })
    expect(p.status).toBe(200)
    expect(p.body.status).toBe('processing')
    const note = await socket.next('notification', (d) => d.kind === 'order_status' && d.status === 'processing', 20000)
    expect(note.data).toEqual({ kind: 'order_status', order_id: order.id, status: 'processing' })
    const s = await call('PATCH', `/api/v1/admin/orders/${order.id}`, { token: admin.token, body: { status: 'shipped', tracking_number: 'TRACK-123' } })
    expect(s.body).toMatchObject({ status: 'shipped', tracking_number: 'TRACK-123' })
    const shippedMail = await smtp().waitFor(user.email, (m) => m.subject.includes('shipped'), 20000)
    expect(shippedMail.text).toContain('TRACK-123')
    await socket.next('notification', (d) => d.status === 'shipped', 20000)
    const d = await call('PATCH', `/api/v1/admin/orders/${order.id}`, { token: admin.token, body: { status: 'delivered' } })
    expect(d.body.status).toBe('delivered')
    await smtp().waitFor(user.email, (m) => m.subject.includes('delivered'), 20000)
    expect((await call('PATCH', `/api/v1/admin/orders/${order.id}`, { token: admin.token, body: { status: 'processing' } })).status).toBe(409)
    expect((await call('PATCH', `/api/v1/admin/orders/${crypto.randomUUID()}`, { token: admin.token, body: { status: 'processing' } })).status).toBe(404)
    socket.close()
  })

  test('a pending order cannot be fulfilled (409)', async () => {
    const admin = await theAdmin()
    const { order } = await placeOrder()
    const r = await call('PATCH', `/api/v1/admin/orders/${order.id}`, { token: admin.token, body: { status: 'processing' } })
    expect(r.status).toBe(409)
    expect(r.body.error.code).toBe('invalid_transition')
  })

  test('refund asks Stripe; the charge.refunded webhook then sets refunded; unpaid → 409', async () => {
    const admin = await theAdmin()
    const { order, payment } = await paidOrder()
    const r = await call('POST', `/api/v1/admin/orders/${order.id}/refund`, { token: admin.token })
    expect(r.status).toBe(200)
    expect(r.body.status).toBe('paid')
    const refundCall = stripeStandIn().callsTo('/v1/refunds').find((c) => c.params.payment_intent === payment.payment_intent_id)
    expect(refundCall?.idempotencyKey).toBe(`refund-${order.id}`)
    await deliver(chargeRefundedEvent({ id: payment.payment_intent_id, amount: order.total_cents, currency: 'usd' }))
    await waitFor(async () => (await orderStatus(order.id)) === 'refunded', { what: 'refunded', timeoutMs: 20000 })
    const again = await call('POST', `/api/v1/admin/orders/${order.id}/refund`, { token: admin.token })
    expect(again.status).toBe(409)
    const { order: pending } = await placeOrder()
    expect((await call('POST', `/api/v1/admin/orders/${pending.id}/refund`, { token: admin.token })).status).toBe(409)
  })

  test('a free (0-total) order is refunded at once', async () => {
    const admin = await theAdmin()
    const u = await newUser()
    await addToCart(u, (await newProduct({ price_cents: 0 })).id)
    const o = await call('POST', '/api/v1/orders', { token: u.token, body: {} })
    const r = await call('POST', `/api/v1/admin/orders/${o.body.order.id}/refund`, { token: admin.token })
    expect(r.status).toBe(200)
    expect(r.body.status).toBe('refunded')
  })
})

describe('revenue stats', () => {
  test('revenue per currency and day counts paid orders, not pending or refunded ones', async () => {
    const { deps } = await testApp()
    const before = await revenueByCurrencyAndDay(deps.sql)
    const usd = (rows: typeof before) => rows.find((r) => r.currency === 'usd')?.total_cents ?? 0
    await paidOrder({ price_cents: 1234 })
    await placeOrder({ price_cents: 999 })
    const after = await revenueByCurrencyAndDay(deps.sql)
    expect(usd(after) - usd(before)).toBe(1234)
    const today = new Date().toISOString().slice(0, 10)
    expect(after.find((r) => r.currency === 'usd')!.by_day.some((d) => d.date === today && d.cents >= 1234)).toBe(true)
  })
})
