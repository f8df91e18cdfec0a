import type { Deps } from '../../platform/deps'
import type { Tx } from '../../platform/db'
import { writeEvent } from '../../platform/outbox'
import { stripeClient } from '../../platform/stripe'
import { commerceErrors } from '../errors'
import type { OrderStatusValue } from './model'
import { findOrder, markAutoRefund, releaseStock, reserveStock, transitionOrder, type OrderRow } from './queries'
import { courseIdsOf, loadOrder, paymentCompletedPayload, type LoadedOrder } from './shape'

type D = Pick<Deps, 'sql' | 'config' | 'log'>

export const UNPAID: readonly OrderStatusValue[] = ['pending_payment', 'payment_failed']
export const REFUNDABLE: readonly OrderStatusValue[] = ['paid', 'processing', 'shipped', 'delivered']

class ShortOfStock extends Error {}

/** Reserves every line or none (a savepoint undoes the lines taken before a short one). */
async function reserveAll(tx: Tx, lines: { product_id: string; quantity: number }[]): Promise<boolean> {
  return (tx as unknown as { savepoint: <T>(fn: (sp: Tx) => Promise<T>) => Promise<T> })
    .savepoint(async (sp) => {
      if (await reserveStock(sp, lines)) throw new ShortOfStock()
      return true
    })
    .catch((err) => {
      if (err instanceof ShortOfStock) return false
      throw err
    })
}

async function changed(tx: Tx, order: OrderRow, from: OrderStatusValue) {
  await writeEvent(tx, 'order.status_changed', { order_id: order.id, user_id: order.user_id, from, to: order.status })
}

/**
 * The one "mark paid" path, for every success signal. Guarded by the order's row lock and
 * state: a duplicate, or a success after a refund, changes nothing; a success for an expired
 * or cancelled order re-reserves its stock if it can, else the caller refunds it.
 */
export async function markOrderPaid(d: D, orderId: string, paymentIntentId: string): Promise<'paid' | 'unchanged' | 'refund' | 'unknown'> {
  const outcome = await d.sql.begin(async (tx) => {
    const order = await findOrder(tx, orderId, { lock: true })
    if (!order || (order.payment_intent_id && order.payment_intent_id !== paymentIntentId)) return 'unknown' as const
    const loaded = await loadOrder(tx, order)
    if (order.status === 'expired' || order.status === 'cancelled') {
      const lines = loaded.items.map((i) => ({ product_id: i.product_id, quantity: i.quantity }))
      if (!(await reserveAll(tx, lines))) {
        await markAutoRefund(tx, order.id)
        return 'refund' as const
      }
    } else if (!UNPAID.includes(order.status)) {
      return 'unchanged' as const
    }
    const paid = await transitionOrder(tx, order.id, [order.status], 'paid')
    await writeEvent(tx, 'payment.completed', paymentCompletedPayload(paid!, courseIdsOf(loaded.items)))
    await changed(tx, paid!, order.status)
    return 'paid' as const
  })
  if (outcome === 'refund') await requestStripeRefund(d, orderId, paymentIntentId, 'auto')
  return outcome
}

/** A failed attempt: only a pending order becomes `payment_failed` (never after a success). */
export async function markPaymentFailed(d: D, orderId: string): Promise<boolean> {
  return d.sql.begin(async (tx) => {
    const order = await transitionOrder(tx, orderId, ['pending_payment'], 'payment_failed')
    if (order) await changed(tx, order, 'pending_payment')
    return !!order
  })
}

/** Stripe confirmed a full refund: `refunded` (also before the success was processed) + `order.refunded`. */
export async function markOrderRefunded(d: Pick<Deps, 'sql'>, orderId: string): Promise<boolean> {
  return d.sql.begin(async (tx) => {
    const before = await findOrder(tx, orderId, { lock: true })
    if (!before || before.status === 'refunded') return false
    const order = (await transitionOrder(tx, orderId, [before.status], 'refunded'))!
    const loaded = await loadOrder(tx, order)
    // Only what the buyer was actually granted is revoked: an expired/cancelled order granted nothing.
    const granted = [...UNPAID, 'expired', 'cancelled'].includes(before.status) ? [] : courseIdsOf(loaded.items)
    await writeEvent(tx, 'order.refunded', { order_id: order.id, user_id: order.user_id, course_ids: granted })
    await changed(tx, order, before.status)
    return true
  })
}

/**
 * Ends an unpaid order (`cancelled` by its buyer, `expired` by the TTL job): releases its
 * stock, then cancels the PaymentIntent (best effort: a late success is handled by markOrderPaid).
 */
export async function closeUnpaidOrder(d: D, orderId: string, to: 'cancelled' | 'expired', userId?: string): Promise<LoadedOrder | null> {
  const order = await d.sql.begin(async (tx) => {
    const current = await findOrder(tx, orderId, { lock: true })
    if (!current || (userId && current.user_id !== userId)) throw commerceErrors.orderNotFound()
    if (!UNPAID.includes(current.status)) {
      if (to === 'expired') return null
      throw commerceErrors.invalidTransition(current.status, to)
    }
    const next = (await transitionOrder(tx, orderId, UNPAID, to))!
    const loaded = await loadOrder(tx, next)
    await releaseStock(tx, loaded.items.map((i) => ({ product_id: i.product_id, quantity: i.quantity })))
    await changed(tx, next, current.status)
    return loaded
  })
  if (order?.payment_intent_id) {
    await stripeClient(d.config).paymentIntents.cancel(order.payment_intent_id, undefined, { idempotencyKey: `cancel-${order.id}` })
      .catch((err: Error) => d.log.warn('payment intent cancel failed', { order_id: order.id, error: err.message }))
  }
  return order
}

/** Asks Stripe to refund an order's payment; the `charge.refunded` webhook then sets `refunded`. */
export async function requestStripeRefund(d: Pick<Deps, 'config'>, orderId: string, paymentIntentId: string, reason: 'admin' | 'auto') {
  await stripeClient(d.config).refunds.create(
    { payment_intent: paymentIntentId, metadata: { order_id: orderId, reason } },
    { idempotencyKey: `refund-${orderId}` },
  )
}
