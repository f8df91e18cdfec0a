import { Elysia, t } from 'elysia'
import type { Deps } from '../../platform/deps'
import { errorResponses } from '../../platform/http/errors'
import { payments503, paymentsRoute } from './enabled'
import { receiveStripeWebhook } from './webhook'

/** Stripe's webhook: the raw body is verified, so Elysia must not parse it. */
export function webhookRoutes(deps: Deps) {
  return new Elysia({ tags: ['commerce'] }).post(
    '/webhooks/stripe',
    async ({ request }) => receiveStripeWebhook(deps, await request.text(), request.headers.get('stripe-signature') ?? undefined),
    {
      ...paymentsRoute(deps),
      parse: 'none',
      detail: { summary: 'Stripe webhook (Stripe-Signature verified on the raw body; each event applied once)' },
      response: { 200: t.Object({ received: t.Boolean() }, { examples: [{ received: true }] }), ...errorResponses(400), 503: payments503() },
    },
  )
}
