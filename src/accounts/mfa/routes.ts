import { Elysia } from 'elysia'
import { authGuard } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import { Accepted, AuthResult } from '../auth/model'
import { DEVICE_COOKIE, deviceCookie } from '../devices'
import { clientContext } from '../request-context'
import type { AccountsDeps } from '../types'
import { UserEnvelope } from '../users/model'
import { verifyChallenge } from './challenge'
import { CodeBody, DisableBody, PasswordBody, RecoveryCodes, TotpSetup, VerifyBody } from './model'
import { confirmEmailMfa, confirmTotp, disableMfa, setupTotp, startEmailMfa } from './service'

/** The MFA challenge and the enrolment of email and TOTP factors. */
export function mfaRoutes(deps: AccountsDeps) {
  return new Elysia({ prefix: '/auth/mfa', tags: ['auth'] })
    .use(authGuard(deps))
    .post('/verify', async ({ body, request, cookie }) => {
      const { result, device } = await verifyChallenge(deps, body.challenge_token, body.code, clientContext(request))
      cookie[DEVICE_COOKIE]!.set(deviceCookie(deps.config, device))
      return result
    }, {
      body: VerifyBody,
      detail: {
        summary: 'Complete a login challenge with an emailed, TOTP or recovery code; 5 wrong codes kill the challenge',
        description:
          'Every further failed challenge of the account within an hour locks its MFA for 1, 2, 4 … minutes (429 `rate_limited` with Retry-After). ' +
          'Success sets the HttpOnly `lyceum_device` cookie like /auth/login.',
      },
      response: { 200: AuthResult, ...errorResponses(401, 403, 422, 429) },
    })
    .post('/email/enable', async ({ auth, body, set }) => {
      set.status = 202
      return startEmailMfa(deps, auth.userId, body.password)
    }, {
      auth: true,
      body: PasswordBody,
      detail: {
        summary: 'Email a 6-digit code (10 min) to confirm email MFA; the same code also proves a factor for /auth/mfa/disable',
        description: 'At most one emailed code per 60 s and 5 per hour per account (this route and login challenges together): 429 `rate_limited` with Retry-After.',
      },
      response: { 202: Accepted, ...errorResponses(401, 422, 429) },
    })
    .post('/email/confirm', ({ auth, body }) => confirmEmailMfa(deps, auth.userId, body.code), {
      auth: true,
      body: CodeBody,
      detail: { summary: 'Turn email MFA on with the emailed code' },
      response: { 200: UserEnvelope, ...errorResponses(401, 422) },
    })
    .post('/totp/setup', ({ auth, body }) => setupTotp(deps, auth.userId, body.password), {
      auth: true,
      body: PasswordBody,
      detail: { summary: 'Start TOTP enrolment: a secret and an otpauth:// URL for an authenticator app' },
      response: { 200: TotpSetup, ...errorResponses(401, 409, 422) },
    })
    .post('/totp/confirm', ({ auth, body }) => confirmTotp(deps, auth.userId, body.code), {
      auth: true,
      body: CodeBody,
      detail: { summary: 'Turn TOTP on with a first code; returns 10 single-use recovery codes (shown once)' },
      response: { 200: RecoveryCodes, ...errorResponses(401, 409, 422) },
    })
    .post('/disable', ({ auth, body }) => disableMfa(deps, auth.userId, body.password, body.code), {
      auth: true,
      body: DisableBody,
      detail: { summary: 'Turn every MFA method off (password + a TOTP, recovery or emailed code)' },
      response: { 200: UserEnvelope, ...errorResponses(401, 422) },
    })
}
