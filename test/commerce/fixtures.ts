/** Commerce test factories: products straight through the admin API, carts, checkout. */
import { call, testApp } from '../helpers/app'
import { newUser, type TestUser } from '../helpers/factories'
import { stripeStandIn } from '../helpers/stripe'

let admin: Promise<TestUser> | undefined
export const theAdmin = () => (admin ??= newUser({ role: 'admin' }))

let n = 0
export const uniq = (tag = 'p') => `${tag}-${Date.now().toString(36)}-${++n}-${Math.random().toString(36).slice(2, 6)}`

export type ProductInput = { name?: string; price_cents?: number; currency?: string; kind?: 'digital' | 'physical' | 'course'; stock?: number | null; category?: string; tags?: string[]; description?: string; course_id?: string; slug?: string }

/** Creates a product through POST /admin/products (201 asserted). */
export async function newProduct(p: ProductInput = {}) {
  const a = await theAdmin()
  const r = await call('POST', '/api/v1/admin/products', {
    token: a.token,
    body: { name: p.name ?? `Thing ${uniq()}`, description: p.description ?? 'A fine thing', price_cents: p.price_cents ?? 1500, currency: p.currency ?? 'usd', kind: p.kind ?? 'digital', ...(p.stock !== undefined ? { stock: p.stock } : {}), ...(p.category ? { category: p.category } : {}), ...(p.tags ? { tags: p.tags } : {}), ...(p.course_id ? { course_id: p.course_id } : {}), ...(p.slug ? { slug: p.slug } : {}) },
  })
  if (r.status !== 201) throw new Error(`product create failed: ${r.status} ${r.text}`)
  return r.body as { id: string; slug: string; price_cents: number; stock: number | null; currency: string; name: string }
}

export async function addToCart(user: TestUser, productId: string, quantity = 1) {
  return call('POST', '/api/v1/cart/items', { token: user.token, body: { product_id: productId, quantity } })
}

export const ADDRESS = { name: 'Ada Lovelace', line1: '1 Analytical St', city: 'London', postal_code: 'N1 1AA', country: 'GB' }

/** A user with `quantity` of a fresh product in the cart, checked out (201 asserted). */
export async function placeOrder(opts: { user?: TestUser; product?: Awaited<ReturnType<typeof newProduct>>; quantity?: number; price_cents?: number } = {}) {
  stripeStandIn()
  const user = opts.user ?? (await newUser())
  const product = opts.product ?? (await newProduct({ price_cents: opts.price_cents ?? 2500, stock: 10 }))
  const add = await addToCart(user, product.id, opts.quantity ?? 1)
  if (add.status !== 200) throw new Error(`add failed ${add.status} ${add.text}`)
  const r = await call('POST', '/api/v1/orders', { token: user.token, body: {} })
  if (r.status !== 201) throw new Error(`order failed ${r.status} ${r.text}`)
  return { user, product, order: r.body.order, payment: r.body.payment }
}

export async function productStock(id: string): Promise<number | null> {
  const { deps } = await testApp()
  const [row] = await deps.sql<{ stock: number | null }[]>`select stock from products where id = ${id}`
  return row!.stock
}

export async function orderStatus(id: string): Promise<string> {
  const { deps } = await testApp()
  const [row] = await deps.sql<{ status: string }[]>`select status from orders where id = ${id}`
  return row!.status
}

/** Delivers a signed Stripe event to the webhook. */
export async function deliver(event: Record<string, unknown>, opts: { secret?: string; timestamp?: number; tamper?: (s: string) => string } = {}) {
  const { signedEvent } = await import('../helpers/stripe')
  const { payload, header } = await signedEvent(event, opts)
  return call('POST', '/api/v1/webhooks/stripe', { raw: opts.tamper ? opts.tamper(payload) : payload, headers: { 'stripe-signature': header, 'content-type': 'application/json' } })
}

/** Rows of the outbox of one type about one order. */
export async function eventsFor(type: string, orderId: string) {
  const { deps } = await testApp()
  return deps.sql<{ payload: Record<string, unknown> }[]>`select payload from outbox where type = ${type} and payload->>'order_id' = ${orderId}`
}

/** A published paid course through the courses API; the worker creates its product. */
export async function newPaidCourse(price_cents = 4900) {
  const instructor = await newUser({ role: 'instructor' })
  const c = await call('POST', '/api/v1/courses', { token: instructor.token, body: { title: `Course ${uniq()}`, price_cents, currency: 'usd' } })
  if (c.status !== 201) throw new Error(`course create ${c.status} ${c.text}`)
  const l = await call('POST', `/api/v1/courses/${c.body.id}/lessons`, { token: instructor.token, body: { title: 'Intro', content: '# Hello' } })
  if (l.status !== 201) throw new Error(`lesson create ${l.status} ${l.text}`)
  const p = await call('POST', `/api/v1/courses/${c.body.id}/publish`, { token: instructor.token })
  if (p.status !== 200) throw new Error(`publish ${p.status} ${p.text}`)
  return { course: c.body as { id: string; title: string; slug: string }, instructor }
}

/** Uploads a small real PNG through POST /files and returns its id. */
export async function uploadImage(token: string, purpose: 'product_image' | 'attachment') {
  const sharp = (await import('sharp')).default
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#4f46e5' } }).png().toBuffer()
  const form = new FormData()
  form.append('purpose', purpose)
  form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'pic.png')
  const r = await call('POST', '/api/v1/files', { token, raw: form })
  if (r.status !== 201) throw new Error(`upload failed: ${r.status} ${r.text}`)
  return r.body.id as string
}
