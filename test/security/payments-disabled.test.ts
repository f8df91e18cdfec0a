import { describe, expect, test } from 'bun:test'
import { call, testAppWith } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { paymentIntentEvent } from '../helpers/stripe'
import { addToCart, deliver, newProduct, placeOrder, theAdmin } from '../commerce/fixtures'

describe('PAYMENTS_ENABLED=false', () => {
  test('checkout, course intent, the Stripe webhook and admin refunds answer 503 payments_disabled; nothing is created', async () => {
    const { app, deps } = await testAppWith({ PAYMENTS_ENABLED: 'false' })
    // An order placed while payments were on (on the shared app) must not be refundable now.
    const placed = await placeOrder()
    const user = await newUser()
    const product = await newProduct({ stock: 5 })
    expect((await addToCart(user, product.id)).status).toBe(200)
    const admin = await theAdmin()

    const order = await call('POST', '/api/v1/orders', { token: user.token, body: {} }, app)
    const intent = await call('POST', '/api/v1/payments/course-intent', { token: user.token, body: { course_id: crypto.randomUUID() } }, app)
    const refund = await call('POST', `/api/v1/admin/orders/${placed.order.id}/refund`, { token: admin.token }, app)
    const { signedEvent } = await import('../helpers/stripe')
    const ev = paymentIntentEvent('payment_intent.succeeded', { id: placed.payment.payment_intent_id, amount: placed.order.total_cents, currency: placed.order.currency, order_id: placed.order.id })
    const { payload, header } = await signedEvent(ev)
    const hook = await call('POST', '/api/v1/webhooks/stripe', { raw: payload, headers: { 'stripe-signature': header, 'content-type': 'application/json' } }, app)
    for (const r of [order, intent, refund, hook]) {
      expect(r.status).toBe(503)
      expect(r.body.error.code).toBe('payments_disabled')
    }
    expect(await deps.sql`select 1 from orders where user_id = ${user.id}`).toHaveLength(0)
    expect(await deps.sql`select 1 from stripe_events where id = ${ev.id}`).toHaveLength(0)
    const [{ status }] = await deps.sql<{ status: string }[]>`select status from orders where id = ${placed.order.id}`
    expect(status).toBe('pending_payment')
    // Still answered: browsing, the cart and one's orders.
    expect((await call('GET', '/api/v1/cart', { token: user.token }, app)).status).toBe(200)
    expect((await call('GET', '/api/v1/orders', { token: placed.user.token }, app)).status).toBe(200)
    // Without a token the caller learns nothing more than before: 401.
    expect((await call('POST', '/api/v1/orders', { body: {} }, app)).status).toBe(401)
    // With payments on (the shared app), the same webhook is accepted.
    expect((await deliver(ev)).status).toBe(200)
  })

  test('the OpenAPI document names payments_disabled on every payment route', async () => {
    const doc = (await call('GET', '/swagger/json')).body
    for (const [path, method] of [['/api/v1/orders', 'post'], ['/api/v1/payments/course-intent', 'post'], ['/api/v1/webhooks/stripe', 'post'], ['/api/v1/admin/orders/{id}/refund', 'post']] as const) {
      const op = doc.paths[path]?.[method]
      expect(op, `${method} ${path}`).toBeDefined()
      expect(op.responses['503'], `${method} ${path} 503`).toBeDefined()
      expect(JSON.stringify(op), `${method} ${path}`).toContain('payments_disabled')
    }
  })
})
