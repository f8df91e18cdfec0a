import { Elysia, t } from 'elysia'
import { authGuard } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import { DEVICE_COOKIE, deviceCookie } from '../devices'
import { clientContext } from '../request-context'
import { refreshSession } from '../sessions/service'
import type { AccountsDeps } from '../types'
import { UserEnvelope } from '../users/model'
import { Accepted, AuthResult, LoginBody, LoginResult, LogoutBody, RefreshBody, RegisterBody, TokenBody, Tokens } from './model'
import { login, logout, logoutAll, register, resendVerification, verifyEmail } from './service'

/** Registration, email verification, login, refresh and logout. */
export function authRoutes(deps: AccountsDeps) {
  return new Elysia({ prefix: '/auth', tags: ['auth'] })
    .use(authGuard(deps))
    .post('/register', async ({ body, request, set }) => {
      set.status = 201
      return register(deps, body, clientContext(request))
    }, {
      body: RegisterBody,
      detail: { summary: 'Create an account; queues a welcome and a verification email' },
      response: { 201: AuthResult, ...errorResponses(409, 422, 429) },
    })
    .post('/verify-email', ({ body }) => verifyEmail(deps, body.token), {
      body: TokenBody,
      detail: { summary: 'Verify the email with the emailed token (single use, 24 h)' },
      response: { 200: UserEnvelope, ...errorResponses(400, 422) },
    })
    .post('/resend-verification', async ({ auth, set }) => {
      set.status = 202
      return resendVerification(deps, auth.userId)
    }, {
      auth: true,
      detail: { summary: 'Email a new verification link (no email when already verified)' },
      response: { 202: Accepted, ...errorResponses(401, 429) },
    })
    .post('/login', async ({ body, request, cookie }) => {
      const { result, device } = await login(deps, body, clientContext(request))
      if (device) cookie[DEVICE_COOKIE]!.set(deviceCookie(deps.config, device))
      return result
    }, {
      body: LoginBody,
      detail: {
        summary: 'Log in with email and password; MFA users get a challenge instead of tokens',
        description:
          'Failed logins are limited per (account, IP) (10 per 15 min) and per account (50 per hour, except from a device that signed in within 30 days): 429 `rate_limited` with Retry-After. ' +
          'A login that issues tokens sets the HttpOnly `lyceum_device` cookie (Path=/api/v1/auth, 30 days) that marks this device as known.',
      },
      response: { 200: LoginResult, ...errorResponses(401, 403, 422, 429) },
    })
    .post('/refresh', async ({ body, request }) => ({ tokens: await refreshSession(deps, body.refresh_token, clientContext(request)) }), {
      body: RefreshBody,
      detail: { summary: 'Rotate the refresh token; reusing a rotated one revokes the whole session (401 token_revoked)' },
      response: { 200: t.Object({ tokens: Tokens }), ...errorResponses(401, 422, 429) },
    })
    .post('/logout', async ({ auth, body, set }) => {
      await logout(deps, auth, body?.refresh_token)
      set.status = 204
    }, {
      auth: true,
      body: LogoutBody,
      detail: { summary: 'Revoke the current session; its access tokens stop working at once' },
      response: { 204: t.Void(), ...errorResponses(401, 422) },
    })
    .post('/logout-all', async ({ auth, set }) => {
      await logoutAll(deps, auth.userId)
      set.status = 204
    }, {
      auth: true,
      detail: { summary: 'Revoke every session and access token of the user' },
      response: { 204: t.Void(), ...errorResponses(401) },
    })
}
