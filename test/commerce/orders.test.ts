import { beforeAll, describe, expect, test } from 'bun:test'
import { call } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { stripeStandIn } from '../helpers/stripe'
import { ADDRESS, addToCart, newProduct, orderStatus, placeOrder, productStock } from './fixtures'

beforeAll(() => void stripeStandIn())

describe('POST /orders', () => {
  test('201 {order, payment}: totals on the server, stock reserved, cart emptied, PaymentIntent with order id and idempotency key', async () => {
    const u = await newUser()
    const a = await newProduct({ price_cents: 1250, stock: 5, kind: 'physical' })
    const b = await newProduct({ price_cents: 300 })
    await addToCart(u, a.id, 2)
    await addToCart(u, b.id, 1)
    const r = await call('POST', '/api/v1/orders', { token: u.token, body: { shipping_address: ADDRESS } })
    expect(r.status).toBe(201)
    const { order, payment } = r.body
    expect(order).toMatchObject({ status: 'pending_payment', total_cents: 2800, currency: 'usd', shipping_address: ADDRESS })
    expect(order.items).toHaveLength(2)
    expect(order.items).toContainEqual(expect.objectContaining({ product_id: a.id, quantity: 2, unit_price_cents: 1250, name: a.name }))
    expect(payment.payment_intent_id).toStartWith('pi_')
    expect(payment.client_secret).toContain('_secret_')
    expect(await productStock(a.id)).toBe(3)
    expect((await call('GET', '/api/v1/cart', { token: u.token })).body.items).toEqual([])
    const pi = stripeStandIn().calls.find((c) => c.path === '/v1/payment_intents' && c.params['metadata[order_id]'] === order.id)!
    expect(pi.params).toMatchObject({ amount: '2800', currency: 'usd', 'metadata[user_id]': u.id })
    expect(pi.idempotencyKey).toBe(`order-${order.id}`)
  })

  test('errors: empty cart 409 cart_empty; mixed currencies 409 currency_mismatch; physical without address 422; 401', async () => {
    const u = await newUser()
    const empty = await call('POST', '/api/v1/orders', { token: u.token, body: {} })
    expect(empty.status).toBe(409)
    expect(empty.body.error.code).toBe('cart_empty')
    await addToCart(u, (await newProduct({ currency: 'usd' })).id)
    await addToCart(u, (await newProduct({ currency: 'eur' })).id)
    const mixed = await call('POST', '/api/v1/orders', { token: u.token, body: {} })
    expect(mixed.status).toBe(409)
    expect(mixed.body.error.code).toBe('currency_mismatch')
    const v = await newUser()
    await addToCart(v, (await newProduct({ kind: 'physical', stock: 4 })).id)
    const noAddress = await call('POST', '/api/v1/orders', { token: v.token, body: {} })
    expect(noAddress.status).toBe(422)
    expect(noAddress.body.error.details[0].field).toBe('shipping_address')
    const badAddress = await call('POST', '/api/v1/orders', { token: v.token, body: { shipping_address: { name: 'x' } } })
    expect(badAddress.status).toBe(422)
    expect((await call('POST', '/api/v1/orders', { body: {} })).status).toBe(401)
  })

  test('out of stock at checkout → 409 out_of_stock, nothing reserved, cart kept', async () => {
    const p = await newProduct({ stock: 2 })
    const u1 = await newUser()
    const u2 = await newUser()
    await addToCart(u1, p.id, 2)
    await addToCart(u2, p.id, 2)
    expect((await call('POST', '/api/v1/orders', { token: u1.token, body: {} })).status).toBe(201)
    const r = await call('POST', '/api/v1/orders', { token: u2.token, body: {} })
    expect(r.status).toBe(409)
    expect(r.body.error.code).toBe('out_of_stock')
    expect(await productStock(p.id)).toBe(0)
    expect((await call('GET', '/api/v1/cart', { token: u2.token })).body.items).toHaveLength(1)
  })

  test('stock 5 and 20 concurrent buyers → exactly 5 orders, stock 0', async () => {
    const p = await newProduct({ stock: 5, price_cents: 999 })
    const buyers = await Promise.all(Array.from({ length: 20 }, () => newUser()))
    for (const b of buyers) expect((await addToCart(b, p.id, 1)).status).toBe(200)
    const results = await Promise.all(buyers.map((b) => call('POST', '/api/v1/orders', { token: b.token, body: {} })))
    const statuses = results.map((r) => r.status).sort()
    expect(statuses.filter((s) => s === 201)).toHaveLength(5)
    expect(statuses.filter((s) => s === 409)).toHaveLength(15)
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'out_of_stock')).toBe(true)
    expect(await productStock(p.id)).toBe(0)
  })

  test('0-total order is paid at once with payment null', async () => {
    const u = await newUser()
    await addToCart(u, (await newProduct({ price_cents: 0 })).id)
    const r = await call('POST', '/api/v1/orders', { token: u.token, body: {} })
    expect(r.status).toBe(201)
    expect(r.body.order.status).toBe('paid')
    expect(r.body.payment).toBeNull()
  })
})

describe('Idempotency-Key', () => {
  test('same key → same status and body, one order; different body → 422 idempotency_key_reused', async () => {
    const u = await newUser()
    await addToCart(u, (await newProduct({ kind: 'physical', stock: 3 })).id)
    const key = crypto.randomUUID()
    const first = await call('POST', '/api/v1/orders', { token: u.token, body: { shipping_address: ADDRESS }, headers: { 'idempotency-key': key } })
    const again = await call('POST', '/api/v1/orders', { token: u.token, body: { shipping_address: ADDRESS }, headers: { 'idempotency-key': key } })
    expect(first.status).toBe(201)
    expect(again.status).toBe(201)
    expect(again.body).toEqual(first.body)
    const other = await call('POST', '/api/v1/orders', { token: u.token, body: { shipping_address: { ...ADDRESS, city: 'Paris' } }, headers: { 'idempotency-key': key } })
    expect(other.status).toBe(422)
    expect(other.body.error.code).toBe('idempotency_key_reused')
    expect((await call('GET', '/api/v1/orders', { token: u.token })).body.items).toHaveLength(1)
  })

  test('a refused checkout is replayed too: same key → same 409, even once the cart is filled', async () => {
    const u = await newUser()
    const key = crypto.randomUUID()
    const first = await call('POST', '/api/v1/orders', { token: u.token, body: {}, headers: { 'idempotency-key': key } })
    expect(first.status).toBe(409)
    await addToCart(u, (await newProduct()).id)
    const again = await call('POST', '/api/v1/orders', { token: u.token, body: {}, headers: { 'idempotency-key': key } })
    expect(again.status).toBe(409)
    expect(again.body).toEqual(first.body)
    expect((await call('POST', '/api/v1/orders', { token: u.token, body: {}, headers: { 'idempotency-key': crypto.randomUUID() } })).status).toBe(201)
  })

  test('the same key sent twice concurrently → one order, same body', async () => {
    const u = await newUser()
    const p = await newProduct({ stock: 10 })
    await addToCart(u, p.id, 2)
    const key = crypto.randomUUID()
    const [a, b] = await Promise.all([0, 1].map(() => call('POST', '/api/v1/orders', { token: u.token, body: {}, headers: { 'idempotency-key': key } })))
    expect(a!.status).toBe(201)
    expect(b!.status).toBe(201)
    expect(b!.body).toEqual(a!.body)
    expect((await call('GET', '/api/v1/orders', { token: u.token })).body.items).toHaveLength(1)
    expect(await productStock(p.id)).toBe(8)
  })
})

describe('my orders', () => {
  test('list (newest first, cursor), detail; another user’s order → 404', async () => {
    const u = await newUser()
    const { order: o1 } = await placeOrder({ user: u })
    const { order: o2 } = await placeOrder({ user: u })
    const page1 = await call('GET', '/api/v1/orders?limit=1', { token: u.token })
    expect(page1.status).toBe(200)
    expect(page1.body.items.map((o: { id: string }) => o.id)).toEqual([o2.id])
    const page2 = await call('GET', `/api/v1/orders?limit=1&cursor=${page1.body.next_cursor}`, { token: u.token })
    expect(page2.body.items.map((o: { id: string }) => o.id)).toEqual([o1.id])
    expect(page2.body.next_cursor).toBeNull()
    const one = await call('GET', `/api/v1/orders/${o1.id}`, { token: u.token })
    expect(one.body).toMatchObject({ id: o1.id, status: 'pending_payment' })
    const other = await newUser()
    expect((await call('GET', `/api/v1/orders/${o1.id}`, { token: other.token })).status).toBe(404)
    expect((await call('GET', `/api/v1/orders/${crypto.randomUUID()}`, { token: u.token })).status).toBe(404)
  })

  test('cancel a pending order: releases stock and cancels the PaymentIntent; again → 409 invalid_transition', async () => {
    const { user, product, order, payment } = await placeOrder({ quantity: 3 })
    expect(await productStock(product.id)).toBe(7)
    const r = await call('POST', `/api/v1/orders/${order.id}/cancel`, { token: user.token })
    expect(r.status).toBe(200)
    expect(r.body.status).toBe('cancelled')
    expect(await productStock(product.id)).toBe(10)
    expect(stripeStandIn().callsTo(`/v1/payment_intents/${payment.payment_intent_id}/cancel`)).toHaveLength(1)
    const again = await call('POST', `/api/v1/orders/${order.id}/cancel`, { token: user.token })
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('invalid_transition')
    const stranger = await newUser()
    expect((await call('POST', `/api/v1/orders/${order.id}/cancel`, { token: stranger.token })).status).toBe(404)
  })
})

describe('POST /payments/course-intent', () => {
  test('one-item order for a paid course; unknown course 404; owned course 409', async () => {
    const u = await newUser()
    const courseId = crypto.randomUUID()
    await newProduct({ kind: 'course', course_id: courseId, price_cents: 3900 })
    const r = await call('POST', '/api/v1/payments/course-intent', { token: u.token, body: { course_id: courseId } })
    expect(r.status).toBe(201)
    expect(r.body.order).toMatchObject({ status: 'pending_payment', total_cents: 3900, items: [expect.objectContaining({ course_id: courseId, quantity: 1 })] })
    expect(r.body.payment.client_secret).toBeString()
    expect(await orderStatus(r.body.order.id)).toBe('pending_payment')
    expect((await call('POST', '/api/v1/payments/course-intent', { token: u.token, body: { course_id: crypto.randomUUID() } })).status).toBe(404)
    expect((await call('POST', '/api/v1/payments/course-intent', { token: u.token, body: { course_id: 'x' } })).status).toBe(422)
  })
})

describe('limits and docs', () => {
  test('POST /orders without any body works for a cart without physical products', async () => {
    const u = await newUser()
    await addToCart(u, (await newProduct()).id)
    const r = await call('POST', '/api/v1/orders', { token: u.token })
    expect(r.status).toBe(201)
  })

  test('a total above Stripe’s maximum → 422 amount_too_large (never a 500)', async () => {
    const u = await newUser()
    const p = await newProduct({ price_cents: 90_000_000 })
    await addToCart(u, p.id, 2)
    const r = await call('POST', '/api/v1/orders', { token: u.token, body: {} })
    expect(r.status).toBe(422)
    expect(r.body.error.code).toBe('amount_too_large')
  })

  test('every commerce route is in the OpenAPI document with a summary', async () => {
    const doc = (await call('GET', '/swagger/json')).body
    const routes: [string, string][] = [
      ['/api/v1/products', 'get'], ['/api/v1/products/{id_or_slug}', 'get'], ['/api/v1/admin/products', 'post'], ['/api/v1/admin/products/{id}', 'patch'],
      ['/api/v1/admin/products/{id}', 'delete'], ['/api/v1/cart', 'get'], ['/api/v1/cart/items', 'post'], ['/api/v1/cart/items/{product_id}', 'patch'],
      ['/api/v1/cart/items/{product_id}', 'delete'], ['/api/v1/cart/merge', 'post'], ['/api/v1/orders', 'post'], ['/api/v1/orders', 'get'],
      ['/api/v1/orders/{id}', 'get'], ['/api/v1/orders/{id}/cancel', 'post'], ['/api/v1/payments/course-intent', 'post'], ['/api/v1/webhooks/stripe', 'post'],
      ['/api/v1/admin/orders', 'get'], ['/api/v1/admin/orders/{id}', 'patch'], ['/api/v1/admin/orders/{id}/refund', 'post'],
    ]
    for (const [path, method] of routes) {
      expect(doc.paths[path]?.[method]?.summary, `${method} ${path}`).toBeString()
      expect(doc.paths[path][method].tags).toContain('commerce')
    }
  })
})
