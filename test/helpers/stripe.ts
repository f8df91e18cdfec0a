/**
 * A local stand-in for the Stripe API (form-encoded, like the real one), enough for
 * PaymentIntents, their cancellation and refunds. It honours `Idempotency-Key` like Stripe
 * (same key → same object) and records every call. Webhook payloads are signed with the SDK's
 * `generateTestHeaderStringAsync`.
 */
import Stripe from 'stripe'
import { config } from '../../src/platform/config'
import { onClose } from './app'

export type StripeCall = { method: string; path: string; params: Record<string, string>; idempotencyKey: string | null }
type Obj = Record<string, unknown>

function startStandIn() {
  const calls: StripeCall[] = []
  const byKey = new Map<string, Obj>()
  const intents = new Map<string, Obj>()
  let n = 0
  const id = (prefix: string) => `${prefix}_test${Date.now().toString(36)}${(++n).toString(36)}${Math.random().toString(36).slice(2, 8)}`
  const metadataOf = (p: Record<string, string>) =>
    Object.fromEntries(Object.entries(p).flatMap(([k, v]) => { const m = k.match(/^metadata\[(.+)\]$/); return m ? [[m[1]!, v]] : [] }))
  const json = (status: number, body: unknown) => ({ status, body: body as Obj })
  /** Events Stripe would POST to the webhook (signed on delivery by the test: `deliver(event)`). */
  const webhooks: Obj[] = []
  const event = (type: string, object: Obj) => ({ id: id('evt'), type, data: { object } })
  const chargeOf = (pi: Obj) => {
    const amount = Number(pi.amount_received ?? pi.amount)
    const refunded = Number(pi.amount_refunded ?? 0)
    return { id: `ch_${pi.id}`, object: 'charge', amount, amount_refunded: refunded, refunded: refunded >= amount, currency: pi.currency, payment_intent: pi.id, metadata: pi.metadata }
  }
  const intentOf = (piId: string) => {
    const pi = intents.get(piId)
    if (!pi) throw new Error(`stand-in: no PaymentIntent ${piId}`)
    return pi
  }
  /** The customer paid: `payment_intent.succeeded` for what the PaymentIntent received (override to fake a mismatch). */
  const succeed = (piId: string, received: { amount_received?: number; currency?: string } = {}) => {
    const pi = intentOf(piId)
    Object.assign(pi, { status: 'succeeded', amount_received: received.amount_received ?? pi.amount }, received.currency ? { currency: received.currency } : {})
    return event('payment_intent.succeeded', { ...pi })
  }
  /** The customer's bank opened (`needs_response`) or closed (`won`, `lost`, `warning_closed`) a dispute on the charge. */
  const dispute = (piId: string, status: 'needs_response' | 'won' | 'lost' | 'warning_closed') => {
    const pi = intentOf(piId)
    const charge = chargeOf(pi)
    const object = { id: `dp_${pi.id}`, object: 'dispute', amount: charge.amount, currency: charge.currency, charge: charge.id, payment_intent: pi.id, status, reason: 'fraudulent', metadata: {} }
    return event(status === 'needs_response' ? 'charge.dispute.created' : 'charge.dispute.closed', object)
  }

  const handle = (method: string, path: string, p: Record<string, string>): { status: number; body: Obj } => {
    if (method === 'POST' && path === '/v1/payment_intents') {
      if (!p.amount || !p.currency) return json(400, { error: { type: 'invalid_request_error', message: 'amount and currency are required' } })
      const piId = id('pi')
      const pi = { id: piId, object: 'payment_intent', amount: Number(p.amount), currency: p.currency, status: 'requires_payment_method', client_secret: `${piId}_secret_${id('s')}`, metadata: metadataOf(p) }
      intents.set(piId, pi)
      return json(200, pi)
    }
    const cancel = path.match(/^\/v1\/payment_intents\/([^/]+)\/cancel$/)
    if (method === 'POST' && cancel) {
      const pi = intents.get(cancel[1]!)
      if (!pi) return json(404, { error: { type: 'invalid_request_error', code: 'resource_missing', message: 'No such payment_intent' } })
      pi.status = 'canceled'
      return json(200, pi)
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const pi = intents.get(p.payment_intent!)
      if (!pi) return json(200, { id: id('re'), object: 'refund', payment_intent: p.payment_intent, amount: p.amount ? Number(p.amount) : null, status: 'succeeded', metadata: metadataOf(p) })
      // Like Stripe: a refund is at most what is left of the charge; the default is all of it.
      const charged = Number(pi.amount_received ?? pi.amount)
      const left = charged - Number(pi.amount_refunded ?? 0)
      const amount = p.amount ? Number(p.amount) : left
      if (amount <= 0 || amount > left) return json(400, { error: { type: 'invalid_request_error', code: left <= 0 ? 'charge_already_refunded' : 'amount_too_large', message: `Refund amount (${amount}) is greater than unrefunded amount on charge (${left})` } })
      pi.amount_refunded = Number(pi.amount_refunded ?? 0) + amount
      webhooks.push(event('charge.refunded', chargeOf(pi)))
      return json(200, { id: id('re'), object: 'refund', payment_intent: pi.id, amount, currency: pi.currency, status: 'succeeded', metadata: metadataOf(p) })
    }
    return json(404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path})` } })
  }

  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(req) {
      const url = new URL(req.url)
      const params = Object.fromEntries(new URLSearchParams(await req.text()))
      const idempotencyKey = req.headers.get('idempotency-key')
      calls.push({ method: req.method, path: url.pathname, params, idempotencyKey })
      const cacheKey = idempotencyKey ? `${req.method} ${url.pathname} ${idempotencyKey}` : null
      // Synchronous from here on: two concurrent requests with one key get the same object.
      const cached = cacheKey ? byKey.get(cacheKey) : undefined
      if (cached) return Response.json(cached)
      const res = handle(req.method, url.pathname, params)
      if (cacheKey && res.status === 200) byKey.set(cacheKey, res.body)
      return Response.json(res.body, { status: res.status })
    },
  })
  onClose(() => server.stop(true))
  const url = `http://127.0.0.1:${server.port}`
  // The app and worker build their Stripe client from `config` lazily: point them here.
  ;(config as { STRIPE_API_BASE?: string }).STRIPE_API_BASE = url
  process.env.STRIPE_API_BASE = url // for apps built later with testAppWith/listenApp
  return {
    url,
    calls,
    intents,
    webhooks,
    succeed,
    dispute,
    /** The latest `charge.refunded` the stand-in sent for a PaymentIntent. */
    lastRefundEvent: (piId: string) => webhooks.findLast((e) => e.type === 'charge.refunded' && (e.data as { object: Obj }).object.payment_intent === piId),
    callsTo: (path: string | RegExp) => calls.filter((c) => (typeof path === 'string' ? c.path === path : path.test(c.path))),
  }
}

let standIn: ReturnType<typeof startStandIn> | undefined
/** The run's Stripe stand-in (started once; sets `config.STRIPE_API_BASE`). */
export function stripeStandIn() {
  return (standIn ??= startStandIn())
}

const signer = new Stripe('sk_test_signer')

/** A webhook request body + `Stripe-Signature` header, signed with the configured secret (or another). */
export async function signedEvent(event: Obj, opts: { secret?: string; timestamp?: number } = {}) {
  const payload = JSON.stringify({ object: 'event', api_version: '2024-06-20', created: Math.floor(Date.now() / 1000), livemode: false, ...event })
  const header = await signer.webhooks.generateTestHeaderStringAsync({ payload, secret: opts.secret ?? config.STRIPE_WEBHOOK_SECRET, timestamp: opts.timestamp })
  return { payload, header }
}

let evt = 0
/** A Stripe event about a PaymentIntent (`payment_intent.succeeded` / `payment_intent.payment_failed`). */
export const paymentIntentEvent = (type: string, pi: { id: string; amount: number; currency: string; order_id: string }, id = `evt_${Date.now()}_${++evt}`) => ({
  id, type,
  data: { object: { id: pi.id, object: 'payment_intent', amount: pi.amount, amount_received: type.endsWith('succeeded') ? pi.amount : 0, currency: pi.currency, status: type.endsWith('succeeded') ? 'succeeded' : 'requires_payment_method', metadata: { order_id: pi.order_id } } },
})

/** A `charge.refunded` event for a PaymentIntent (fully refunded). */
export const chargeRefundedEvent = (pi: { id: string; amount: number; currency: string }, id = `evt_${Date.now()}_${++evt}`) => ({
  id, type: 'charge.refunded',
  data: { object: { id: `ch_${pi.id}`, object: 'charge', amount: pi.amount, amount_refunded: pi.amount, currency: pi.currency, refunded: true, payment_intent: pi.id, metadata: {} } },
})
