import { Elysia, t } from 'elysia'
import { errorResponses } from '../../platform/http/errors'
import { LoginResult } from '../auth/model'
import { accountErrors } from '../errors'
import { clientContext } from '../request-context'
import type { AccountsDeps } from '../types'
import { OAUTH_COOKIE, oauthCookie } from './cookie'
import { isProvider, type Provider } from './providers'
import { exchangeLoginCode, oauthCallback, startOAuth } from './service'

const ProviderParams = t.Object({ provider: t.String({ description: '`google` or `microsoft`' }) })
const providerOf = (p: string): Provider => {
  if (!isProvider(p)) throw accountErrors.oauthNotConfigured()
  return p
}
const found = (location: string) => new Response(null, { status: 302, headers: { location, 'cache-control': 'no-store' } })

/** Google / Microsoft sign-in (authorization code + PKCE, state and nonce kept server-side). */
export function oauthRoutes(deps: AccountsDeps) {
  return new Elysia({ prefix: '/auth/oauth', tags: ['auth'] })
    .post('/exchange', ({ body, request }) => exchangeLoginCode(deps, body.login_code, clientContext(request)), {
      body: t.Object({ login_code: t.String({ minLength: 1, maxLength: 512 }) }, { examples: [{ login_code: 'lc_5Rk9Tq2Wx7Ym3Zp8' }] }),
      detail: { summary: 'Trade a login code (single use, 60 s) for what /auth/login answers: tokens or the MFA challenge' },
      response: { 200: LoginResult, ...errorResponses(400, 403, 422, 429) },
    })
    .get('/:provider', async ({ params, request, cookie }) => {
      const { url, binding } = await startOAuth(deps, providerOf(params.provider), clientContext(request))
      cookie[OAUTH_COOKIE]!.set(oauthCookie(deps.config, binding))
      return found(url)
    }, {
      params: ProviderParams,
      detail: {
        summary: "302 to the provider's authorization endpoint (state, nonce, PKCE S256)",
        description:
          'Sets the `lyceum_oauth` cookie (HttpOnly, SameSite=Lax, Secure outside development, Path=/api/v1/auth/oauth, 10 min) that binds the state to this browser; ' +
          'the callback refuses a state without it. Limited to 30 starts per minute per IP (429 `rate_limited` with Retry-After).',
      },
      response: {
        302: t.Void({ description: "Location: the provider's authorization URL. Set-Cookie: lyceum_oauth=…; HttpOnly; SameSite=Lax; Secure (outside development)" }),
        ...errorResponses(404, 429, 503),
      },
    })
    .get('/:provider/callback', async ({ params, query, request, cookie }) => {
      const jar = cookie[OAUTH_COOKIE]!
      const binding = typeof jar.value === 'string' ? jar.value : null
      const outcome = await oauthCallback(deps, providerOf(params.provider), query, clientContext(request), binding)
      jar.remove()
      // A Response passes through Elysia untouched; the cast only satisfies the 200 schema's type.
      return ('redirect' in outcome ? found(outcome.redirect) : outcome.result) as typeof LoginResult.static
    }, {
      params: ProviderParams,
      query: t.Object({ code: t.Optional(t.String()), state: t.Optional(t.String()), error: t.Optional(t.String()) }, { additionalProperties: true }),
      detail: {
        summary: 'Provider redirect target: tokens (or the MFA challenge), or a 302 to OAUTH_CLIENT_REDIRECT_URL with ?login_code=',
        description: 'Needs the `lyceum_oauth` cookie set by the start of the flow in this browser; without it (or with another flow\'s) → 400 `oauth_state_invalid`.',
      },
      response: { 200: LoginResult, 302: t.Void({ description: 'Location: OAUTH_CLIENT_REDIRECT_URL?login_code=… (login_code mode)' }), ...errorResponses(400, 403, 404, 409, 429) },
    })
}
