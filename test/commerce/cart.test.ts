import { describe, expect, test } from 'bun:test'
import { call, testApp } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { addToCart, newProduct, uniq } from './fixtures'

async function coursePaidBy(userId: string) {
  // A course product plus a paid order of it: commerce's own notion of ownership.
  const courseId = crypto.randomUUID()
  const product = await newProduct({ kind: 'course', course_id: courseId, price_cents: 4900 })
  const { deps } = await testApp()
  await deps.sql.begin(async (tx) => {
    const [o] = await tx<{ id: string }[]>`insert into orders (user_id, status, total_cents, currency, expires_at, paid_at)
      values (${userId}, 'paid', 4900, 'usd', now(), now()) returning id`
    await tx`insert into order_items (order_id, product_id, name, kind, course_id, quantity, unit_price_cents)
      values (${o!.id}, ${product.id}, 'c', 'course', ${courseId}, 1, 4900)`
  })
  return product
}

describe('cart', () => {
  test('empty cart; add, add again (adds up), patch, remove', async () => {
    const u = await newUser()
    const empty = await call('GET', '/api/v1/cart', { token: u.token })
    expect(empty.status).toBe(200)
    expect(empty.body).toEqual({ items: [], subtotal_cents: 0, currency: null })
    const p = await newProduct({ price_cents: 300, stock: 10 })
    const a = await addToCart(u, p.id, 2)
    expect(a.status).toBe(200)
    expect(a.body.items[0]).toMatchObject({ quantity: 2, line_total_cents: 600, product: { id: p.id } })
    const b = await addToCart(u, p.id, 3)
    expect(b.body.items[0].quantity).toBe(5)
    expect(b.body).toMatchObject({ subtotal_cents: 1500, currency: 'usd' })
    const patched = await call('PATCH', `/api/v1/cart/items/${p.id}`, { token: u.token, body: { quantity: 1 } })
    expect(patched.body.items[0].quantity).toBe(1)
    const removed = await call('DELETE', `/api/v1/cart/items/${p.id}`, { token: u.token })
    expect(removed.status).toBe(200)
    expect(removed.body.items).toEqual([])
  })

  test('quantity over stock → 409 out_of_stock (add and patch); unknown product → 404; auth 401; bad body 422', async () => {
    const u = await newUser()
    const p = await newProduct({ stock: 2 })
    expect((await addToCart(u, p.id, 2)).status).toBe(200)
    const over = await addToCart(u, p.id, 1)
    expect(over.status).toBe(409)
    expect(over.body.error.code).toBe('out_of_stock')
    const patch = await call('PATCH', `/api/v1/cart/items/${p.id}`, { token: u.token, body: { quantity: 3 } })
    expect(patch.status).toBe(409)
    expect(patch.body.error.code).toBe('out_of_stock')
    expect((await addToCart(u, crypto.randomUUID())).status).toBe(404)
    expect((await call('PATCH', `/api/v1/cart/items/${crypto.randomUUID()}`, { token: u.token, body: { quantity: 1 } })).status).toBe(404)
    expect((await call('GET', '/api/v1/cart')).status).toBe(401)
    expect((await call('POST', '/api/v1/cart/items', { token: u.token, body: { product_id: 'x', quantity: 0 } })).status).toBe(422)
  })

  test('a course product is quantity 1; an owned course cannot be added (409)', async () => {
    const u = await newUser()
    const course = await newProduct({ kind: 'course', course_id: crypto.randomUUID(), price_cents: 2000 })
    const r = await addToCart(u, course.id, 3)
    expect(r.status).toBe(200)
    expect(r.body.items[0].quantity).toBe(1)
    expect(r.body.warnings).toEqual([expect.objectContaining({ product_id: course.id, code: 'quantity_one' })])
    const owned = await coursePaidBy(u.id)
    const again = await addToCart(u, owned.id)
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('already_owned')
  })

  test('merge: quantities add up, capped at stock; course quantity 1 or dropped when owned; unknown/archived dropped', async () => {
    const u = await newUser()
    const admin = await newUser({ role: 'admin' })
    const plain = await newProduct({ price_cents: 100 })
    const scarce = await newProduct({ price_cents: 200, stock: 3 })
    const soldOut = await newProduct({ stock: 0 })
    const course = await newProduct({ kind: 'course', course_id: crypto.randomUUID() })
    const owned = await coursePaidBy(u.id)
    const archived = await newProduct({ name: uniq('gone') })
    await call('DELETE', `/api/v1/admin/products/${archived.id}`, { token: admin.token })
    await addToCart(u, plain.id, 1)
    await addToCart(u, scarce.id, 2)
    const unknown = crypto.randomUUID()
    const r = await call('POST', '/api/v1/cart/merge', {
      token: u.token,
      body: { items: [
        { product_id: plain.id, quantity: 2 }, { product_id: scarce.id, quantity: 5 }, { product_id: soldOut.id, quantity: 1 },
        { product_id: course.id, quantity: 2 }, { product_id: owned.id, quantity: 1 }, { product_id: archived.id, quantity: 1 }, { product_id: unknown, quantity: 1 },
      ] },
    })
    expect(r.status).toBe(200)
    const qty = Object.fromEntries(r.body.items.map((i: { product: { id: string }; quantity: number }) => [i.product.id, i.quantity]))
    expect(qty).toEqual({ [plain.id]: 3, [scarce.id]: 3, [course.id]: 1 })
    const codes = Object.fromEntries(r.body.warnings.map((w: { product_id: string; code: string }) => [w.product_id, w.code]))
    expect(codes).toEqual({ [scarce.id]: 'capped', [soldOut.id]: 'dropped', [course.id]: 'quantity_one', [owned.id]: 'already_owned', [archived.id]: 'dropped', [unknown]: 'dropped' })
    expect(r.body.subtotal_cents).toBe(3 * 100 + 3 * 200 + 1500)
    expect((await call('POST', '/api/v1/cart/merge', { token: u.token, body: { items: [{ product_id: 'nope', quantity: 1 }] } })).status).toBe(422)
  })
})
