import { isUuid } from '../../platform/ids'
import type { Deps } from '../../platform/deps'
import { writeEvent } from '../../platform/outbox'
import { verifyStripeEvent } from '../../platform/stripe'
import { commerceErrors } from '../errors'
import { markOrderPaid, markOrderRefunded, markPaymentFailed } from '../orders/lifecycle'
import { findOrderByPaymentIntent } from '../orders/queries'

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

type StripeObject = { id: string; metadata?: Record<string, string>; payment_intent?: string | { id: string } | null; refunded?: boolean }

async function orderIdOf(d: D, obj: StripeObject, paymentIntentId: string | null): Promise<string | null> {
  const fromMeta = obj.metadata?.order_id
  if (fromMeta && isUuid(fromMeta)) return fromMeta
  return paymentIntentId ? ((await findOrderByPaymentIntent(d.sql, paymentIntentId))?.id ?? null) : null
}

/** Applies one recorded Stripe event; safe to run any number of times and in any order. */
export async function processStripeEvent(d: D, eventId: string): Promise<string> {
  const [row] = await d.sql<{ type: string; payload: { data: { object: StripeObject } }; processed_at: Date | null }[]>`
    select type, payload, processed_at from stripe_events where id = ${eventId}`
  if (!row) return 'unknown event'
  if (row.processed_at) return 'already processed'
  const obj = row.payload.data.object
  let outcome = 'ignored'
  if (row.type === 'payment_intent.succeeded' || row.type === 'payment_intent.payment_failed') {
    const orderId = await orderIdOf(d, obj, obj.id)
    if (orderId) outcome = row.type === 'payment_intent.succeeded' ? await markOrderPaid(d, orderId, obj.id) : String(await markPaymentFailed(d, orderId))
  } else if (row.type === 'charge.refunded' && obj.refunded) {
    const pi = typeof obj.payment_intent === 'string' ? obj.payment_intent : (obj.payment_intent?.id ?? null)
    const orderId = await orderIdOf(d, obj, pi)
    if (orderId) outcome = String(await markOrderRefunded(d, orderId))
  }
  await d.sql`update stripe_events set processed_at = now() where id = ${eventId}`
  return outcome
}
