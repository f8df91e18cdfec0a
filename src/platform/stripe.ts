import Stripe from 'stripe'
import type { Config } from './config'

export type StripeClient = Stripe
type StripeSettings = Pick<Config, 'STRIPE_SECRET_KEY' | 'STRIPE_API_BASE'>

const clients = new Map<string, Stripe>()

/**
 * The Stripe SDK for the given settings, built once per key + base. `STRIPE_API_BASE`
 * (e.g. `http://127.0.0.1:12111`) points it at a local stand-in in tests and dev mode.
 * Settings are read at call time so a stand-in started after config load still applies.
 */
export function stripeClient(cfg: StripeSettings): Stripe {
  const id = `${cfg.STRIPE_SECRET_KEY}|${cfg.STRIPE_API_BASE ?? ''}`
  let client = clients.get(id)
  if (!client) {
    const opts: ConstructorParameters<typeof Stripe>[1] = { maxNetworkRetries: 2, timeout: 10_000 }
    if (cfg.STRIPE_API_BASE) {
      const url = new URL(cfg.STRIPE_API_BASE)
      const protocol = url.protocol === 'http:' ? 'http' : 'https'
      Object.assign(opts, { host: url.hostname, port: url.port || (protocol === 'http' ? 80 : 443), protocol })
    }
    client = new Stripe(cfg.STRIPE_SECRET_KEY, opts)
    clients.set(id, client)
  }
  return client
}

/**
 * Verifies a webhook's raw body against its `Stripe-Signature` (default tolerance 300 s).
 * Under Bun the SDK loads its worker build, where only the async variant works.
 */
export function verifyStripeEvent(cfg: Pick<Config, 'STRIPE_WEBHOOK_SECRET' | 'STRIPE_SECRET_KEY' | 'STRIPE_API_BASE'>, rawBody: string, signature: string) {
  return stripeClient(cfg).webhooks.constructEventAsync(rawBody, signature, cfg.STRIPE_WEBHOOK_SECRET)
}

/** True when Stripe answered with an error about the request (not a network failure). */
export function isStripeRequestError(err: unknown): err is Stripe.errors.StripeError {
  return err instanceof Stripe.errors.StripeError && !(err instanceof Stripe.errors.StripeConnectionError)
}
