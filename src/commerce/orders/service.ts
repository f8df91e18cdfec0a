import type { Deps } from '../../platform/deps'
import { writeEvent } from '../../platform/outbox'
import { commerceErrors } from '../errors'
import { isStripeRequestError } from '../../platform/stripe'
import { approveReviewedPayment, closeUnpaidOrder, REFUNDABLE, refundInTx, requestStripeRefund } from './lifecycle'
import type { OrderDto, OrderStatusValue } from './model'
import { findOrder, listOrders, setRefundRequested, transitionOrder } from './queries'
import { loadOrder, loadOrders, toOrder } from './shape'

type D = Pick<Deps, 'sql' | 'config' | 'log'>

const encode = (o: { created_at: Date; id: string }) => Buffer.from(JSON.stringify({ at: o.created_at.toISOString(), id: o.id })).toString('base64url')
function decode(cursor?: string): { at: Date; id: string } | undefined {
  if (!cursor) return undefined
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { at: string; id: string }
    const at = new Date(c.at)
    if (Number.isNaN(at.getTime()) || !/^[0-9a-f-]{36}$/i.test(c.id)) return undefined
    return { at, id: c.id }
  } catch {
    return undefined
  }
}

export async function listOrderPage(d: Pick<Deps, 'sql'>, f: { userId?: string; status?: string; limit?: number; cursor?: string }) {
  const limit = f.limit ?? 20
  const rows = await listOrders(d.sql, { userId: f.userId, status: f.status, limit, after: decode(f.cursor) })
  const page = rows.slice(0, limit)
  return { items: (await loadOrders(d.sql, page)).map(toOrder), next_cursor: rows.length > limit ? encode(page.at(-1)!) : null }
}

/** One order; another user's is 404 (admins see all). */
export async function getOrder(d: Pick<Deps, 'sql'>, id: string, userId?: string): Promise<OrderDto> {
  const order = await findOrder(d.sql, id)
  if (!order || (userId && order.user_id !== userId)) throw commerceErrors.orderNotFound()
  return toOrder(await loadOrder(d.sql, order))
}

export async function cancelOrder(d: D, id: string, userId: string): Promise<OrderDto> {
  const order = await closeUnpaidOrder(d, id, 'cancelled', userId)
  return toOrder(order!)
}

const NEXT: Partial<Record<OrderStatusValue, OrderStatusValue>> = { paid: 'processing', processing: 'shipped', shipped: 'delivered' }

/**
 * Admin step: fulfilment along paid → processing → shipped → delivered, or the approval of a
 * reviewed payment (`payment_review` → `paid`, which grants like any payment). Others → 409.
 */
export async function advanceOrder(d: D, id: string, to: OrderStatusValue, trackingNumber?: string): Promise<OrderDto> {
  const order = await d.sql.begin(async (tx) => {
    const current = await findOrder(tx, id, { lock: true })
    if (!current) throw commerceErrors.orderNotFound()
    if (current.status === 'payment_review' && to === 'paid') return approveReviewedPayment(tx, current)
    if (NEXT[current.status] !== to) throw commerceErrors.invalidTransition(current.status, to)
    const next = (await transitionOrder(tx, id, [current.status], to, { tracking_number: trackingNumber }))!
    await writeEvent(tx, 'order.status_changed', { order_id: id, user_id: next.user_id, from: current.status, to })
    return next
  })
  return toOrder(await loadOrder(d.sql, order))
}

/** Orders an admin may refund: paid ones along fulfilment, and payments held for review. */
const ADMIN_REFUNDABLE: readonly OrderStatusValue[] = [...REFUNDABLE, 'payment_review']

/**
 * Admin refund of `amountCents` (default: all that is left). Asks Stripe; the `charge.refunded`
 * webhook then records it (`refunded_cents`, or `refunded` once all of it is back). What is left
 * = received − max(confirmed, asked for), so two quick requests never ask for more than was paid.
 * An order paid without Stripe (0 total) has nothing to refund at Stripe and is refunded at once.
 */
export async function refundOrder(d: D, id: string, amountCents?: number): Promise<OrderDto> {
  const plan = await d.sql.begin(async (tx) => {
    const order = await findOrder(tx, id, { lock: true })
    if (!order) throw commerceErrors.orderNotFound()
    if (!ADMIN_REFUNDABLE.includes(order.status)) throw commerceErrors.invalidTransition(order.status, 'refunded')
    if (!order.payment_intent_id) {
      if (amountCents) throw commerceErrors.refundExceedsRemaining(0)
      await refundInTx(tx, order)
      return null
    }
    const asked = Math.max(order.refunded_cents, order.refund_requested_cents)
    const left = (order.received_cents ?? order.total_cents) - asked
    const amount = amountCents ?? left
    if (left <= 0 || amount > left) throw commerceErrors.refundExceedsRemaining(Math.max(0, left))
    await setRefundRequested(tx, id, order.refund_requested_cents, asked + amount)
    return { pi: order.payment_intent_id, asked, amount, whole: asked === 0 && amount === left }
  })
  if (plan) {
    try {
      await requestStripeRefund(d, id, plan.pi, 'admin', plan.whole ? undefined : { amount: plan.amount, askedBefore: plan.asked })
    } catch (err) {
      // Not asked after all: give the amount back so a retry uses the same Stripe key.
      await setRefundRequested(d.sql, id, plan.asked + plan.amount, plan.asked)
      if (isStripeRequestError(err)) throw commerceErrors.refundRejected(err.message)
      throw commerceErrors.paymentUnavailable()
    }
  }
  return getOrder(d, id)
}
