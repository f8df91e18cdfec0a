import type { Deps } from '../../platform/deps'
import { documentedError } from '../../platform/http/errors'
import { commerceErrors } from '../errors'

/**
 * Route options of every payment route (checkout, course intent, Stripe webhook, admin refund):
 * with PAYMENTS_ENABLED=false they answer 503 `payments_disabled` before touching anything.
 */
export const paymentsRoute = (deps: Pick<Deps, 'config'>) => ({
  beforeHandle() {
    if (!deps.config.PAYMENTS_ENABLED) throw commerceErrors.paymentsDisabled()
  },
})

/** The 503 of a payment route, documented with its codes. */
export const payments503 = (also = '') =>
  documentedError(`${also ? `${also}; ` : ''}\`payments_disabled\`: payments are turned off on this server (PAYMENTS_ENABLED=false)`)
