import type { Deps } from '../../platform/deps'
import { writeEvent } from '../../platform/outbox'
import type { OrderStatusValue } from './model'
import { changed, refundInTx, REFUNDABLE } from './lifecycle'
import { findOrder, recordDispute, transitionOrder } from './queries'
import { courseIdsOf, loadOrder } from './shape'

type D = Pick<Deps, 'sql'>
export type Dispute = { id: string; status: string }

/** Stripe's final dispute statuses; `warning_closed` (an inquiry that never became a chargeback) keeps the money, like `won`. */
const CLOSED = new Set(['won', 'lost', 'warning_closed'])
/** Statuses a dispute interrupts: the buyer was paid up (or the payment is under review). */
const DISPUTABLE: readonly OrderStatusValue[] = [...REFUNDABLE, 'payment_review']

/**
 * `charge.dispute.created`: the order becomes `disputed` and `order.disputed` revokes what it
 * granted. A dispute whose closing was already applied (events out of order), or an order that
 * granted nothing (unpaid, refunded), only records it.
 */
export async function openDispute(d: D, orderId: string, dispute: Dispute): Promise<'disputed' | 'unchanged'> {
  return d.sql.begin(async (tx) => {
    const order = await findOrder(tx, orderId, { lock: true })
    if (!order) return 'unchanged' as const
    if (order.dispute_id === dispute.id && order.dispute_status && CLOSED.has(order.dispute_status)) return 'unchanged' as const
    if (!DISPUTABLE.includes(order.status)) {
      await recordDispute(tx, orderId, dispute)
      return 'unchanged' as const
    }
    await recordDispute(tx, orderId, dispute, order.status)
    const disputed = (await transitionOrder(tx, orderId, [order.status], 'disputed'))!
    const loaded = await loadOrder(tx, disputed)
    const granted = order.status === 'payment_review' ? [] : courseIdsOf(loaded.items)
    await writeEvent(tx, 'order.disputed', { order_id: orderId, user_id: order.user_id, course_ids: granted })
    await changed(tx, disputed, order.status)
    return 'disputed' as const
  })
}

/**
 * `charge.dispute.closed`: `won` (or `warning_closed`) puts a disputed order back where the
 * dispute found it (`paid` for a course; a shipped order stays shipped) and `order.access_restored`
 * gives access back; `lost` refunds the order (stock back once, access revoked). Repeats change nothing.
 */
export async function closeDispute(d: D, orderId: string, dispute: Dispute): Promise<'restored' | 'refunded' | 'unchanged'> {
  return d.sql.begin(async (tx) => {
    const order = await findOrder(tx, orderId, { lock: true })
    if (!order || !CLOSED.has(dispute.status)) return 'unchanged' as const
    if (order.dispute_id === dispute.id && order.dispute_status && CLOSED.has(order.dispute_status)) return 'unchanged' as const
    await recordDispute(tx, orderId, dispute)
    if (dispute.status === 'lost') {
      if (order.status !== 'disputed' && !DISPUTABLE.includes(order.status)) return 'unchanged' as const
      return (await refundInTx(tx, order)) ? 'refunded' as const : 'unchanged' as const
    }
    if (order.status !== 'disputed') return 'unchanged' as const
    const back = order.disputed_from ?? 'paid'
    const restored = (await transitionOrder(tx, orderId, ['disputed'], back))!
    if (REFUNDABLE.includes(back)) {
      const loaded = await loadOrder(tx, restored)
      await writeEvent(tx, 'order.access_restored', { order_id: orderId, user_id: order.user_id, course_ids: courseIdsOf(loaded.items) })
    }
    await changed(tx, restored, 'disputed')
    return 'restored' as const
  })
}
