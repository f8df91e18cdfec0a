import * as oidc from 'openid-client'
import { now } from '../clock'
import { accountErrors } from '../errors'
import { completeLogin, type LoginResult } from '../mfa/challenge'
import { enforceRateLimits } from '../../platform/http/rate-limit'
import { credentialLimits } from '../limits'
import { randomToken, sameHash, sha256 } from '../secrets'
import type { AccountsDeps, ClientContext } from '../types'
import { findUserById } from '../users/queries'
import { OAUTH_STATE_TTL_SECONDS } from './cookie'
import { findOrCreateOAuthUser, type ProviderIdentity } from './link'
import { callbackUrl, providerConfig, type Provider } from './providers'

const STATE_TTL_SECONDS = OAUTH_STATE_TTL_SECONDS
const LOGIN_CODE_TTL_SECONDS = 60

/** `binding` is the hash of the browser-binding cookie's value. */
type PendingAuth = { provider: Provider; verifier: string; nonce: string; expires_at: number; binding: string }

const stateKey = (deps: Pick<AccountsDeps, 'keys'>, state: string) => deps.keys('acct', 'oauth-state', sha256(state))
const loginCodeKey = (deps: Pick<AccountsDeps, 'keys'>, code: string) => deps.keys('acct', 'oauth-login', sha256(code))

/**
 * Builds the provider's authorization URL; state, nonce and the PKCE verifier stay in Redis
 * (10 min, single use). Anonymous callers create that state, so starts are limited per IP.
 * `binding` is the value of the cookie that ties the state to this browser.
 */
export async function startOAuth(deps: AccountsDeps, provider: Provider, ctx: ClientContext): Promise<{ url: string; binding: string }> {
  const rule = credentialLimits(deps.config).oauthStartIp
  if (rule.limit > 0) await enforceRateLimits(deps, [[rule, ctx.ip]])
  const conf = await providerConfig(deps.config, provider)
  const verifier = oidc.randomPKCECodeVerifier()
  const state = oidc.randomState()
  const nonce = oidc.randomNonce()
  const binding = randomToken()
  const pending: PendingAuth = { provider, verifier, nonce, expires_at: now() + STATE_TTL_SECONDS * 1000, binding: sha256(binding) }
  await deps.redis.set(stateKey(deps, state), JSON.stringify(pending), { EX: STATE_TTL_SECONDS })
  const url = oidc.buildAuthorizationUrl(conf, {
    redirect_uri: callbackUrl(deps.config, provider),
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  }).href
  return { url, binding }
}

/** The pending flow of `state`, only for the browser that started it (its binding cookie); single use. */
async function takePending(deps: AccountsDeps, provider: Provider, state: string | undefined, binding: string | null): Promise<PendingAuth & { state: string }> {
  if (!state || !binding) throw accountErrors.oauthStateInvalid()
  const raw = await deps.redis.getDel(stateKey(deps, state))
  const pending = raw ? (JSON.parse(raw) as PendingAuth) : null
  if (!pending || pending.provider !== provider || pending.expires_at <= now()) throw accountErrors.oauthStateInvalid()
  if (!pending.binding || !sameHash(pending.binding, sha256(binding))) throw accountErrors.oauthStateInvalid()
  return { ...pending, state }
}

/** Exchanges the code (PKCE), validates the ID token (signature, iss, aud, nonce) and reads the identity. */
async function exchangeCode(deps: AccountsDeps, provider: Provider, query: Record<string, string | undefined>, p: PendingAuth & { state: string }): Promise<ProviderIdentity> {
  const conf = await providerConfig(deps.config, provider)
  const current = new URL(callbackUrl(deps.config, provider))
  for (const [k, v] of Object.entries(query)) if (typeof v === 'string') current.searchParams.set(k, v)
  try {
    const tokens = await oidc.authorizationCodeGrant(conf, current, { pkceCodeVerifier: p.verifier, expectedState: p.state, expectedNonce: p.nonce, idTokenExpected: true })
    const c = tokens.claims()!
    const email = typeof c.email === 'string' ? c.email.trim().toLowerCase() : null
    // Microsoft signals a verified email with `xms_edov` (domain owner verified) rather than `email_verified`.
    const emailVerified = c.email_verified === true || (provider === 'microsoft' && c.xms_edov === true)
    const name = typeof c.name === 'string' ? c.name : null
    return { provider, subject: c.sub, email, emailVerified, name }
  } catch (err) {
    deps.log.warn('oauth code exchange failed', { provider, error: String((err as Error)?.message ?? err) })
    throw accountErrors.oauthFailed()
  }
}

export type CallbackOutcome = { result: LoginResult } | { redirect: string }

/**
 * The provider's redirect back to us. Answers what `/auth/login` would, or, with
 * OAUTH_CLIENT_REDIRECT_URL set, redirects the browser to the client app with a 60 s login code.
 */
export async function oauthCallback(
  deps: AccountsDeps,
  provider: Provider,
  query: Record<string, string | undefined>,
  ctx: ClientContext,
  binding: string | null,
): Promise<CallbackOutcome> {
  const pending = await takePending(deps, provider, query.state, binding)
  if (query.error || !query.code) throw accountErrors.oauthFailed(query.error ? `The provider answered: ${query.error}` : 'Missing authorization code')
  const identity = await exchangeCode(deps, provider, query, pending)
  const user = await findOrCreateOAuthUser(deps, identity)
  const target = deps.config.OAUTH_CLIENT_REDIRECT_URL
  if (!target) return { result: await completeLogin(deps, user, ctx) }
  const code = randomToken()
  await deps.redis.set(loginCodeKey(deps, code), JSON.stringify({ user_id: user.id, expires_at: now() + LOGIN_CODE_TTL_SECONDS * 1000 }), { EX: LOGIN_CODE_TTL_SECONDS + 5 })
  const url = new URL(target)
  url.searchParams.set('login_code', code)
  return { redirect: url.href }
}

/** Trades a login code (single use, 60 s) for exactly what `/auth/login` answers. */
export async function exchangeLoginCode(deps: AccountsDeps, code: string, ctx: ClientContext): Promise<LoginResult> {
  const raw = await deps.redis.getDel(loginCodeKey(deps, code))
  const rec = raw ? (JSON.parse(raw) as { user_id: string; expires_at: number }) : null
  if (!rec || rec.expires_at <= now()) throw accountErrors.loginCodeInvalid()
  const user = await findUserById(deps.sql, rec.user_id)
  if (!user) throw accountErrors.loginCodeInvalid()
  return completeLogin(deps, user, ctx)
}
