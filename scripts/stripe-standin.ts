/**
 * A local stand-in for the Stripe API, for `bun run dev` (no Stripe account needed).
 * Speaks the form-encoded endpoints Lyceum calls (PaymentIntents create/retrieve/cancel,
 * refunds) and, like Stripe, sends signed webhooks to the API:
 *   POST /dev/pay/:payment_intent_id   → `payment_intent.succeeded` (`?amount_received=&currency=`
 *                                          fake a payment that does not match its order)
 *   POST /dev/fail/:payment_intent_id  → `payment_intent.payment_failed`
 *   a refund (all that is left, or `amount`) → `charge.refunded` with the cumulative `amount_refunded`
 *   POST /dev/dispute/:payment_intent_id          → `charge.dispute.created`
 *   POST /dev/dispute/:payment_intent_id/won|lost → `charge.dispute.closed`
 */
import Stripe from 'stripe'

type Intent = { id: string; object: 'payment_intent'; amount: number; amount_received: number; amount_refunded: number; currency: string; status: string; client_secret: string; metadata: Record<string, string>; latest_charge: string; created: number }

const port = Number(process.env.STRIPE_STANDIN_PORT ?? 12111)
const webhookUrl = process.env.STRIPE_WEBHOOK_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}/api/v1/webhooks/stripe`
const secret = process.env.STRIPE_WEBHOOK_SECRET ?? 'whsec_lyceum_local'
const stripe = new Stripe('sk_test_standin')
const intents = new Map<string, Intent>()
const rand = () => crypto.randomUUID().replace(/-/g, '').slice(0, 24)

/** Parses Stripe's form encoding (`metadata[order_id]=...`) into a nested object. */
function parseForm(text: string): Record<string, any> {
  const out: Record<string, any> = {}
  for (const [k, v] of new URLSearchParams(text)) {
    const parts = k.replace(/\]/g, '').split('[')
    let node = out
    parts.slice(0, -1).forEach((p) => (node = node[p] ??= {}))
    node[parts.at(-1)!] = v
  }
  return out
}

async function sendEvent(type: string, object: unknown) {
  const payload = JSON.stringify({ id: `evt_${rand()}`, object: 'event', type, created: Math.floor(Date.now() / 1000), data: { object }, livemode: false, api_version: '2024-06-20' })
  const header = await stripe.webhooks.generateTestHeaderStringAsync({ payload, secret })
  const res = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header }, body: payload }).catch((e) => e)
  console.log(`[stripe stand-in] ${type} → ${res instanceof Error ? res.message : res.status}`)
}

const json = (body: unknown, status = 200) => Response.json(body, { status })
const chargeOf = (pi: Intent) => ({
  id: pi.latest_charge, object: 'charge', amount: pi.amount_received, amount_refunded: pi.amount_refunded,
  refunded: pi.amount_refunded >= pi.amount_received, currency: pi.currency, payment_intent: pi.id, metadata: pi.metadata,
})
const notFound = () => json({ error: { type: 'invalid_request_error', message: 'No such object' } }, 404)

Bun.serve({
  port,
  hostname: '127.0.0.1',
  async fetch(req) {
    const url = new URL(req.url)
    const form = req.method === 'POST' ? parseForm(await req.text()) : {}
    const [, a, b, c, d] = url.pathname.split('/')
    if (a === 'v1' && b === 'payment_intents' && !c && req.method === 'POST') {
      const id = `pi_${rand()}`
      const pi: Intent = { id, object: 'payment_intent', amount: Number(form.amount), amount_received: 0, amount_refunded: 0, currency: form.currency, status: 'requires_payment_method', client_secret: `${id}_secret_${rand()}`, metadata: form.metadata ?? {}, latest_charge: `ch_${rand()}`, created: Math.floor(Date.now() / 1000) }
      intents.set(id, pi)
      return json(pi)
    }
    if (a === 'v1' && b === 'payment_intents' && c) {
      const pi = intents.get(c)
      if (!pi) return notFound()
      if (d === 'cancel') pi.status = 'canceled'
      return json(pi)
    }
    if (a === 'v1' && b === 'refunds' && req.method === 'POST') {
      const pi = intents.get(form.payment_intent)
      if (!pi) return notFound()
      const left = pi.amount_received - pi.amount_refunded
      const amount = form.amount ? Number(form.amount) : left
      if (amount <= 0 || amount > left) return json({ error: { type: 'invalid_request_error', message: `Refund amount (${amount}) is greater than unrefunded amount on charge (${left})` } }, 400)
      pi.amount_refunded += amount
      const refund = { id: `re_${rand()}`, object: 'refund', amount, currency: pi.currency, payment_intent: pi.id, status: 'succeeded', metadata: form.metadata ?? {} }
      const charge = chargeOf(pi)
      queueMicrotask(() => void sendEvent('charge.refunded', charge))
      return json(refund)
    }
    if (a === 'dev' && (b === 'pay' || b === 'fail') && c && req.method === 'POST') {
      const pi = intents.get(c)
      if (!pi) return notFound()
      pi.status = b === 'pay' ? 'succeeded' : 'requires_payment_method'
      if (b === 'pay') {
        pi.amount_received = Number(url.searchParams.get('amount_received') ?? pi.amount)
        pi.currency = url.searchParams.get('currency') ?? pi.currency
      }
      await sendEvent(b === 'pay' ? 'payment_intent.succeeded' : 'payment_intent.payment_failed', pi)
      return json(pi)
    }
    if (a === 'dev' && b === 'dispute' && c && req.method === 'POST') {
      const pi = intents.get(c)
      if (!pi) return notFound()
      const status = d === 'won' || d === 'lost' ? d : 'needs_response'
      const dispute = { id: `dp_${pi.latest_charge.slice(3)}`, object: 'dispute', amount: pi.amount_received, currency: pi.currency, charge: pi.latest_charge, payment_intent: pi.id, status, reason: 'fraudulent', metadata: {} }
      await sendEvent(status === 'needs_response' ? 'charge.dispute.created' : 'charge.dispute.closed', dispute)
      return json(dispute)
    }
    if (!a && req.method === 'GET') {
      // The address `bun run dev` prints: what this is, and the intents to pay.
      return json({
        name: 'Lyceum Stripe stand-in (development)',
        pay: 'POST /dev/pay/:payment_intent_id sends a signed payment_intent.succeeded webhook; /dev/fail/:id payment_failed; /dev/dispute/:id[/won|lost] a dispute',
        webhooks_to: webhookUrl,
        payment_intents: [...intents.values()].reverse().map(({ id, amount, currency, status, metadata }) => ({ id, amount, currency, status, metadata })),
      })
    }
    return notFound()
  },
})
console.log(`[stripe stand-in] listening on 127.0.0.1:${port}, webhooks → ${webhookUrl}`)
