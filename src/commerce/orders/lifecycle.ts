import type { Deps } from '../../platform/deps'
import type { Tx } from '../../platform/db'
import { writeEvent } from '../../platform/outbox'
import { stripeClient } from '../../platform/stripe'
import { commerceErrors } from '../errors'
import type { OrderStatusValue } from './model'
import { findOrder, markAutoRefund, raiseRefunded, recordReceived, releaseStock, reserveStock, setStockHeld, takeStockHeld, transitionOrder, type OrderRow } from './queries'
import { courseIdsOf, loadOrder, paymentCompletedPayload, type LoadedOrder } from './shape'

type D = Pick<Deps, 'sql' | 'config' | 'log'>

export const UNPAID: readonly OrderStatusValue[] = ['pending_payment', 'payment_failed']
/** The buyer owns what they bought (see ownership.ts) and may be refunded. */
export const REFUNDABLE: readonly OrderStatusValue[] = ['paid', 'processing', 'shipped', 'delivered']
/** Statuses in which nothing was granted (a refund or a lost dispute revokes nothing). */
const NEVER_GRANTED: readonly OrderStatusValue[] = [...UNPAID, 'expired', 'cancelled', 'payment_review']

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

export async function changed(tx: Tx, order: OrderRow, from: OrderStatusValue) {
  await writeEvent(tx, 'order.status_changed', { order_id: order.id, user_id: order.user_id, from, to: order.status })
}

/**
 * Gives the order's stock back if it still holds it. `stock_held` flips under the order's row
 * lock, so cancel, expiry, refunds and lost disputes, in any order and repeated, release once.
 */
export async function releaseHeldStock(tx: Tx, order: LoadedOrder): Promise<boolean> {
  if (!(await takeStockHeld(tx, order.id))) return false
  await releaseStock(tx, order.items.map((i) => ({ product_id: i.product_id, quantity: i.quantity })))
  return true
}

export type Received = { payment_intent_id: string; amount_received: number; currency: string }

/**
 * The one "mark paid" path, for every success signal. Guarded by the order's row lock and
 * state: a duplicate, or a success after a refund, changes nothing; a success for an expired
 * or cancelled order re-reserves its stock if it can, else the caller refunds it. A success
 * whose amount or currency differs from the order goes to `payment_review` and grants nothing.
 */
export async function markOrderPaid(d: D, orderId: string, pay: Received): Promise<'paid' | 'review' | 'unchanged' | 'refund' | 'unknown'> {
  const outcome = await d.sql.begin(async (tx) => {
    const order = await findOrder(tx, orderId, { lock: true })
    if (!order || (order.payment_intent_id && order.payment_intent_id !== pay.payment_intent_id)) return 'unknown' as const
    const loaded = await loadOrder(tx, order)
    if (order.status === 'expired' || order.status === 'cancelled') {
      const lines = loaded.items.map((i) => ({ product_id: i.product_id, quantity: i.quantity }))
      if (!order.stock_held && !(await reserveAll(tx, lines))) {
        await markAutoRefund(tx, order.id)
        return 'refund' as const
      }
      await setStockHeld(tx, order.id)
    } else if (!UNPAID.includes(order.status)) {
      return 'unchanged' as const
    }
    await recordReceived(tx, order.id, pay.amount_received, pay.currency)
    if (pay.amount_received !== order.total_cents || pay.currency.toLowerCase() !== order.currency) {
      const review = (await transitionOrder(tx, order.id, [order.status], 'payment_review'))!
      await changed(tx, review, order.status)
      return 'review' as const
    }
    const paid = await transitionOrder(tx, order.id, [order.status], 'paid')
    await writeEvent(tx, 'payment.completed', paymentCompletedPayload(paid!, courseIdsOf(loaded.items)))
    await changed(tx, paid!, order.status)
    return 'paid' as const
  })
  if (outcome === 'refund') await requestStripeRefund(d, orderId, pay.payment_intent_id, 'auto')
  if (outcome === 'review') {
    d.log.error('payment amount mismatch: order held for review', {
      order_id: orderId, payment_intent_id: pay.payment_intent_id, received_cents: pay.amount_received, received_currency: pay.currency,
    })
  }
  return outcome
}

/** Admin approval of a reviewed payment: `payment_review` → `paid`, then granted like any payment. */
export async function approveReviewedPayment(tx: Tx, order: OrderRow): Promise<OrderRow> {
  const paid = (await transitionOrder(tx, order.id, ['payment_review'], 'paid'))!
  const loaded = await loadOrder(tx, paid)
  await writeEvent(tx, 'payment.completed', paymentCompletedPayload(paid, courseIdsOf(loaded.items)))
  await changed(tx, paid, 'payment_review')
  return paid
}

/** A failed attempt: only a pending order becomes `payment_failed` (never after a success). */
export async function markPaymentFailed(d: D, orderId: string): Promise<boolean> {
  return d.sql.begin(async (tx) => {
    const order = await transitionOrder(tx, orderId, ['pending_payment'], 'payment_failed')
    if (order) await changed(tx, order, 'pending_payment')
    return !!order
  })
}

/**
 * Ends an order for good as `refunded` (a full refund, or a lost dispute) inside the caller's
 * transaction: stock given back once, `order.refunded` naming what the buyer had been granted.
 */
export async function refundInTx(tx: Tx, before: OrderRow): Promise<boolean> {
  if (before.status === 'refunded') return false
  const order = (await transitionOrder(tx, before.id, [before.status], 'refunded'))!
  const loaded = await loadOrder(tx, order)
  await releaseHeldStock(tx, loaded)
  const from = before.status === 'disputed' ? (before.disputed_from ?? 'paid') : before.status
  const granted = NEVER_GRANTED.includes(from) ? [] : courseIdsOf(loaded.items)
  await writeEvent(tx, 'order.refunded', { order_id: order.id, user_id: order.user_id, course_ids: granted })
  await changed(tx, order, before.status)
  return true
}

/** Refunded at once without Stripe (a 0-total order has no payment to refund). */
export async function markOrderRefunded(d: Pick<Deps, 'sql'>, orderId: string): Promise<boolean> {
  return d.sql.begin(async (tx) => {
    const before = await findOrder(tx, orderId, { lock: true })
    return !!before && refundInTx(tx, before)
  })
}

/**
 * Stripe's view of the charge after a refund (`charge.refunded`; `amount_refunded` is cumulative,
 * so repeated or reordered events only ever raise `refunded_cents`). Less than the charge: a
 * partial refund, recorded, status and access unchanged. All of it: `refunded`.
 */
export async function applyChargeRefund(d: Pick<Deps, 'sql'>, orderId: string, charge: { amount: number; amount_refunded: number; refunded: boolean }): Promise<'refunded' | 'partial' | 'unchanged'> {
  return d.sql.begin(async (tx) => {
    const before = await findOrder(tx, orderId, { lock: true })
    if (!before) return 'unchanged' as const
    const raised = await raiseRefunded(tx, orderId, charge.amount_refunded)
    const full = charge.refunded || (charge.amount > 0 && charge.amount_refunded >= charge.amount)
    if (full) return (await refundInTx(tx, before)) ? 'refunded' as const : 'unchanged' as const
    return raised ? 'partial' as const : 'unchanged' as const
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
    await releaseHeldStock(tx, loaded)
    await changed(tx, next, current.status)
    return loaded
  })
  if (order?.payment_intent_id) {
    await stripeClient(d.config).paymentIntents.cancel(order.payment_intent_id, undefined, { idempotencyKey: `cancel-${order.id}` })
      .catch((err: Error) => d.log.warn('payment intent cancel failed', { order_id: order.id, error: err.message }))
  }
  return order
}

/**
 * Asks Stripe to refund an order's payment (all of it, or `amount` of it); the `charge.refunded`
 * webhook then records it. The Stripe key is `refund-<order>` for a refund of the whole payment
 * (the automatic one included, so the two never both happen) and `refund-<order>-<asked before>-<amount>`
 * for a part, so a retry of the same request never refunds twice.
 */
export async function requestStripeRefund(d: Pick<Deps, 'config'>, orderId: string, paymentIntentId: string, reason: 'admin' | 'auto', part?: { amount: number; askedBefore: number }) {
  await stripeClient(d.config).refunds.create(
    { payment_intent: paymentIntentId, ...(part ? { amount: part.amount } : {}), metadata: { order_id: orderId, reason } },
    { idempotencyKey: part ? `refund-${orderId}-${part.askedBefore}-${part.amount}` : `refund-${orderId}` },
  )
}
