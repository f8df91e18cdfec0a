import type { Deps } from '../../platform/deps'
import type { Tx } from '../../platform/db'
import { writeEvent } from '../../platform/outbox'
import { AppError } from '../../platform/http/errors'
import { stripeClient } from '../../platform/stripe'
import { countLimited } from '../../platform/http/rate-limit'
import type { Metrics } from '../../platform/metrics'
import { commerceErrors } from '../errors'
import { ownedCourseIds } from '../ownership'
import { clearCart, deleteCartItem, findCartRows, findUnavailableCartLines } from '../cart/queries'
import type { ProductRow } from '../products/queries'
import type { CheckoutDto } from './model'
import { claimIdempotencyKey, findIdempotencyKey, recordIdempotentError, requestHash, storeIdempotentResponse } from './idempotency'
import { findOrder, insertOrder, insertOrderItems, reserveStock, setOrderPayment, type OrderRow } from './queries'
import { loadOrder, paymentCompletedPayload, toOrder } from './shape'

type D = Pick<Deps, 'sql' | 'config'> & { metrics?: Metrics }
export type CheckoutSource = { kind: 'cart'; shipping_address?: unknown } | { kind: 'course'; course_id: string }
type Line = { product: ProductRow; quantity: number }
/** Stripe's largest charge (8 digits of minor units); also keeps totals inside int4. */
const MAX_ORDER_CENTS = 99_999_999

/**
 * Creates an order from the cart or for one course. With an Idempotency-Key the same key
 * replays the first response (a concurrent twin waits on the key row, then replays); the
 * same key with another body → 422 idempotency_key_reused.
 */
export async function checkout(d: D, userId: string, source: CheckoutSource, idemKey?: string): Promise<CheckoutDto> {
  const hash = requestHash(source)
  const orderId = crypto.randomUUID()
  let created: OrderRow | null
  try {
    created = await d.sql.begin(async (tx) => {
      if (idemKey && !(await claimIdempotencyKey(tx, userId, idemKey, hash, orderId))) return null
      return createOrder(tx, d, userId, orderId, source)
    })
  } catch (err) {
    // A refused checkout (409/422/404) is an answer too: the same key replays it.
    if (!idemKey || !(err instanceof AppError) || err.status >= 500) throw err
    await recordIdempotentError(d.sql, userId, idemKey, hash, { status: err.status, code: err.code, message: err.message, details: err.details })
    created = null
  }
  if (!created) return replay(d, userId, idemKey!, hash)
  const response = await withPayment(d, created)
  if (idemKey) await storeIdempotentResponse(d.sql, userId, idemKey, response)
  return response
}

async function replay(d: D, userId: string, key: string, hash: string): Promise<CheckoutDto> {
  const row = await findIdempotencyKey(d.sql, userId, key)
  if (!row) throw new Error('idempotency key vanished')
  if (row.request_hash !== hash) throw commerceErrors.idempotencyKeyReused()
  if (row.error) throw new AppError(row.error.status, row.error.code, row.error.message, row.error.details)
  if (row.response) return row.response as CheckoutDto
  // The first request committed its order but has not stored its answer yet (or died after
  // commit): finish it the same way; Stripe's idempotency key yields the same PaymentIntent.
  const order = row.order_id ? await findOrder(d.sql, row.order_id) : null
  if (!order) throw commerceErrors.orderNotFound()
  const response = await withPayment(d, order)
  await storeIdempotentResponse(d.sql, userId, key, response)
  return response
}

/** What is being bought; an archived product (in the cart, or selling the course) → 409 product_unavailable. */
async function linesFor(tx: Tx, userId: string, source: CheckoutSource): Promise<Line[]> {
  if (source.kind === 'cart') {
    const unavailable = await findUnavailableCartLines(tx, userId)
    if (unavailable.length) throw commerceErrors.productUnavailable(unavailable)
    return findCartRows(tx, userId)
  }
  const [product] = await tx<ProductRow[]>`select * from products where kind = 'course' and course_id = ${source.course_id}`
  if (!product) throw commerceErrors.courseNotForSale()
  if (product.status !== 'active') throw commerceErrors.productUnavailable([product.id])
  return [{ product, quantity: 1 }]
}

async function createOrder(tx: Tx, d: D, userId: string, orderId: string, source: CheckoutSource): Promise<OrderRow> {
  // Serialises checkouts and cart writes of one user: one cart becomes one order.
  await tx`select pg_advisory_xact_lock(hashtext(${`cart:${userId}`}))`
  const lines = await linesFor(tx, userId, source)
  if (lines.length === 0) throw commerceErrors.cartEmpty()
  await assertOrderRoom(tx, d, userId)
  const currencies = new Set(lines.map((l) => l.product.currency))
  if (currencies.size > 1) throw commerceErrors.currencyMismatch()
  const courseIds = lines.flatMap((l) => (l.product.course_id ? [l.product.course_id] : []))
  if ((await ownedCourseIds(tx, userId, courseIds)).size) throw commerceErrors.alreadyOwned()
  const shipping = source.kind === 'cart' ? (source.shipping_address ?? null) : null
  if (lines.some((l) => l.product.kind === 'physical') && !shipping) throw commerceErrors.shippingRequired()
  const short = await reserveStock(tx, lines.map((l) => ({ product_id: l.product.id, quantity: l.quantity })))
  if (short) throw commerceErrors.outOfStock(short, lines.find((l) => l.product.id === short)!.product.stock)
  const total = lines.reduce((s, l) => s + l.product.price_cents * (l.product.kind === 'course' ? 1 : l.quantity), 0)
  if (total > MAX_ORDER_CENTS) throw commerceErrors.amountTooLarge(MAX_ORDER_CENTS)
  const order = await insertOrder(tx, {
    id: orderId, user_id: userId, status: total === 0 ? 'paid' : 'pending_payment', total_cents: total,
    currency: [...currencies][0]!, shipping_address: shipping, ttl_minutes: d.config.ORDER_TTL_MINUTES,
  })
  await insertOrderItems(tx, lines.map((l) => ({
    order_id: orderId, product_id: l.product.id, name: l.product.name, kind: l.product.kind,
    course_id: l.product.course_id, quantity: l.quantity, unit_price_cents: l.product.price_cents,
  })))
  if (source.kind === 'cart') await clearCart(tx, userId)
  else await deleteCartItem(tx, userId, lines[0]!.product.id)
  if (order.status === 'paid') {
    await writeEvent(tx, 'payment.completed', paymentCompletedPayload(order, courseIds))
    await writeEvent(tx, 'order.status_changed', { order_id: order.id, user_id: userId, from: null, to: 'paid' })
  } else {
    await writeEvent(tx, 'order.created', { order_id: order.id, user_id: userId, expires_at: order.expires_at.toISOString() })
  }
  return order
}

/** SPEC §12: at most LIMIT_OPEN_ORDERS unpaid orders per user (counted under the user's checkout lock). */
async function assertOrderRoom(tx: Tx, d: D, userId: string) {
  const max = d.config.LIMIT_OPEN_ORDERS
  if (max <= 0) return
  const [{ n }] = await tx<{ n: number }[]>`
    select count(*)::int as n from orders where user_id = ${userId} and status in ('pending_payment', 'payment_failed')`
  if (n < max) return
  countLimited(d, 'open_orders')
  throw commerceErrors.tooManyOpenOrders(max)
}

/** The checkout answer; `payment` is null for a 0-total order (or one that ended before it got a PaymentIntent). */
async function withPayment(d: D, order: OrderRow): Promise<CheckoutDto> {
  const payable = order.total_cents > 0 && (order.payment_intent_id || order.status === 'pending_payment' || order.status === 'payment_failed')
  if (!payable) return { order: toOrder(await loadOrder(d.sql, order)), payment: null }
  const pi = await ensurePaymentIntent(d, order)
  return { order: toOrder(await loadOrder(d.sql, { ...order, payment_intent_id: pi.id })), payment: { client_secret: pi.client_secret, payment_intent_id: pi.id } }
}

/** The order's PaymentIntent, created once (Stripe idempotency key = order id). */
async function ensurePaymentIntent(d: D, order: OrderRow): Promise<{ id: string; client_secret: string }> {
  if (order.payment_intent_id && order.client_secret) return { id: order.payment_intent_id, client_secret: order.client_secret }
  let intent
  try {
    intent = await stripeClient(d.config).paymentIntents.create(
      { amount: order.total_cents, currency: order.currency, metadata: { order_id: order.id, user_id: order.user_id }, automatic_payment_methods: { enabled: true } },
      { idempotencyKey: `order-${order.id}` },
    )
  } catch {
    throw commerceErrors.paymentUnavailable()
  }
  await setOrderPayment(d.sql, order.id, intent.id, intent.client_secret!)
  // A concurrent twin may have stored its PaymentIntent first: always answer the stored one.
  const stored = await findOrder(d.sql, order.id)
  return { id: stored?.payment_intent_id ?? intent.id, client_secret: stored?.client_secret ?? intent.client_secret! }
}
