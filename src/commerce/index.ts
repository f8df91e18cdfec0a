import { Elysia } from 'elysia'
import type { Deps } from '../platform/deps'
import { cartRoutes } from './cart/routes'
import { adminOrderRoutes, orderRoutes } from './orders/routes'
import { webhookRoutes } from './payments/routes'
import { adminProductRoutes, productRoutes } from './products/routes'

/** The commerce domain: catalog, cart, orders, Stripe payments and webhook, admin orders. */
export function commerce(deps: Deps) {
  return new Elysia({ name: 'domain.commerce' })
    .use(productRoutes(deps))
    .use(adminProductRoutes(deps))
    .use(cartRoutes(deps))
    .use(orderRoutes(deps))
    .use(adminOrderRoutes(deps))
    .use(webhookRoutes(deps))
}
