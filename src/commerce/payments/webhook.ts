import { isUuid } from '../../platform/ids'
import type { Deps } from '../../platform/deps'
import { writeEvent } from '../../platform/outbox'
import { verifyStripeEvent } from '../../platform/stripe'
import { commerceErrors } from '../errors'
import { applyChargeRefund, markOrderPaid, markPaymentFailed } from '../orders/lifecycle'
import { closeDispute, openDispute } from '../orders/disputes'
import { findOrder, findOrderByPaymentIntent } from '../orders/queries'

type D = Pick<Deps, 'sql' | 'config' | 'log'>

/**
 * Verifies the raw body's signature, records the event once (`on conflict do nothing`) and
 * hands it to the worker through the outbox, in one transaction. Answers fast; effects are
 * applied by `processStripeEvent`.
 */
export async function receiveStripeWebhook(d: D, rawBody: string, signature: string | undefined) {
  let event: Awaited<ReturnType<typeof verifyStripeEvent>>
  try {
    event = await verifyStripeEvent(d.config, rawBody, signature ?? '')
  } catch {
    throw commerceErrors.invalidSignature()
  }
  await d.sql.begin(async (tx) => {
    const rows = await tx`insert into stripe_events (id, type, payload) values (${event.id}, ${event.type}, ${tx.json(event as never)})
      on conflict (id) do nothing returning id`
    if (rows.length) await writeEvent(tx, 'stripe.event_received', { event_id: event.id, type: event.type })
  })
  return { received: true }
}

type StripeObject = {
  id: string; metadata?: Record<string, string>; payment_intent?: string | { id: string } | null
  amount?: number; amount_received?: number | null; amount_refunded?: number; refunded?: boolean; currency?: string; status?: string
}

/** The order an object is about: by `metadata.order_id`, else by PaymentIntent; never one paid through another PaymentIntent. */
async function orderIdOf(d: D, obj: StripeObject, paymentIntentId: string | null): Promise<string | null> {
  const fromMeta = obj.metadata?.order_id
  const order = fromMeta && isUuid(fromMeta) ? await findOrder(d.sql, fromMeta)
    : paymentIntentId ? await findOrderByPaymentIntent(d.sql, paymentIntentId) : null
  if (!order || (paymentIntentId && order.payment_intent_id && order.payment_intent_id !== paymentIntentId)) return null
  return order.id
}

const intentIdOf = (obj: StripeObject) => (typeof obj.payment_intent === 'string' ? obj.payment_intent : (obj.payment_intent?.id ?? null))
const int = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0)

/** What one event type does to the order it is about (the order is found from metadata or the PaymentIntent). */
const HANDLERS: Record<string, (d: D, orderId: string, obj: StripeObject) => Promise<unknown>> = {
  // A PaymentIntent that succeeded received `amount_received` (older payloads: `amount`).
  'payment_intent.succeeded': (d, orderId, obj) =>
    markOrderPaid(d, orderId, { payment_intent_id: obj.id, amount_received: int(obj.amount_received ?? obj.amount), currency: String(obj.currency ?? '') }),
  'payment_intent.payment_failed': (d, orderId) => markPaymentFailed(d, orderId),
  'charge.refunded': (d, orderId, obj) =>
    applyChargeRefund(d, orderId, { amount: int(obj.amount), amount_refunded: int(obj.amount_refunded), refunded: obj.refunded === true }),
  'charge.dispute.created': (d, orderId, obj) => openDispute(d, orderId, { id: obj.id, status: String(obj.status ?? 'needs_response') }),
  'charge.dispute.closed': (d, orderId, obj) => closeDispute(d, orderId, { id: obj.id, status: String(obj.status ?? '') }),
}

/** Applies one recorded Stripe event; safe to run any number of times and in any order. */
export async function processStripeEvent(d: D, eventId: string): Promise<string> {
  const [row] = await d.sql<{ type: string; payload: { data: { object: StripeObject } }; processed_at: Date | null }[]>`
    select type, payload, processed_at from stripe_events where id = ${eventId}`
  if (!row) return 'unknown event'
  if (row.processed_at) return 'already processed'
  const obj = row.payload.data.object
  const handle = Object.hasOwn(HANDLERS, row.type) ? HANDLERS[row.type] : undefined
  let outcome = 'ignored'
  if (handle) {
    const orderId = await orderIdOf(d, obj, row.type.startsWith('payment_intent.') ? obj.id : intentIdOf(obj))
    if (orderId) outcome = String(await handle(d, orderId, obj))
  }
  await d.sql`update stripe_events set processed_at = now() where id = ${eventId}`
  return outcome
}
