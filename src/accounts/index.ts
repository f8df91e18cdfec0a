import { Elysia } from 'elysia'
import type { Deps } from '../platform/deps'
import { adminUserRoutes } from './admin-users/routes'
import { authRoutes } from './auth/routes'
import { meRoutes } from './me/routes'
import { mfaRoutes } from './mfa/routes'
import { oauthRoutes } from './oauth/routes'
import { passwordRoutes } from './password/routes'
import type { AccountsOptions } from './types'

/** The accounts domain: auth, MFA, OAuth, the profile, sessions and admin user management. */
export function accounts(deps: Deps, opts: AccountsOptions = {}) {
  return new Elysia({ name: 'domain.accounts' })
    .use(authRoutes(deps))
    .use(passwordRoutes(deps))
    .use(mfaRoutes(deps))
    .use(oauthRoutes(deps))
    .use(meRoutes(deps, opts))
    .use(adminUserRoutes(deps))
}
