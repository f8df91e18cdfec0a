import { Elysia, t } from 'elysia'
import { authGuard } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import { Accepted, Email, NewPassword, Password } from '../auth/model'
import { clientContext } from '../request-context'
import type { AccountsDeps } from '../types'
import { changePassword, forgotPassword, resetPassword } from './service'

/** Forgot / reset / change password. */
export function passwordRoutes(deps: AccountsDeps) {
  return new Elysia({ prefix: '/auth/password', tags: ['auth'] })
    .use(authGuard(deps))
    .post('/forgot', async ({ body, request, set }) => {
      set.status = 202
      return forgotPassword(deps, body.email, clientContext(request))
    }, {
      body: t.Object({ email: Email }),
      detail: { summary: 'Email a reset link (single use, 1 h); same answer whether or not the account exists' },
      response: { 202: Accepted, ...errorResponses(422, 429) },
    })
    .post('/reset', async ({ body, set }) => {
      await resetPassword(deps, body.token, body.password)
      set.status = 204
    }, {
      body: t.Object({ token: t.String({ minLength: 1, maxLength: 512 }), password: NewPassword }, { examples: [{ token: 'Yk3n8Qx2Lm5Vr7Tz9Wc1Hd4Jf6Gs0Pa', password: 'a new long passphrase' }] }),
      detail: { summary: 'Set a new password with the emailed token; revokes every session and access token' },
      response: { 204: t.Void(), ...errorResponses(400, 422) },
    })
    .post('/change', async ({ auth, body, set }) => {
      await changePassword(deps, auth, body.current_password, body.password)
      set.status = 204
    }, {
      auth: true,
      body: t.Object({ current_password: Password, password: NewPassword }, { examples: [{ current_password: 'lyceum-demo-password', password: 'a new long passphrase' }] }),
      detail: { summary: 'Change the password (other sessions are signed out; this one stays)' },
      response: { 204: t.Void(), ...errorResponses(401, 422) },
    })
}
