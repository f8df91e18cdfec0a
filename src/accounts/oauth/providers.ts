import * as oidc from 'openid-client'
import type { Config } from '../../platform/config'
import { httpErrors } from '../../platform/http/errors'
import { accountErrors } from '../errors'

export const PROVIDERS = ['google', 'microsoft'] as const
export type Provider = (typeof PROVIDERS)[number]
export const isProvider = (p: string): p is Provider => (PROVIDERS as readonly string[]).includes(p)

type ProviderSettings = { issuer: string; clientId: string; clientSecret?: string }

function settingsOf(config: Config, provider: Provider): ProviderSettings | null {
  const s =
    provider === 'google'
      ? { issuer: config.GOOGLE_ISSUER, clientId: config.GOOGLE_CLIENT_ID, clientSecret: config.GOOGLE_CLIENT_SECRET }
      : { issuer: config.MICROSOFT_ISSUER, clientId: config.MICROSOFT_CLIENT_ID, clientSecret: config.MICROSOFT_CLIENT_SECRET }
  return s.clientId ? { issuer: s.issuer, clientId: s.clientId, clientSecret: s.clientSecret } : null
}

const cache = new Map<string, Promise<oidc.Configuration>>()

/**
 * The provider's OIDC configuration from its discovery document, fetched once per
 * issuer + client (a failed fetch is retried on the next request). An `http:` issuer is a
 * local stand-in (tests, dev) and needs insecure requests allowed.
 */
export function providerConfig(config: Config, provider: Provider): Promise<oidc.Configuration> {
  const s = settingsOf(config, provider)
  if (!s) return Promise.reject(accountErrors.oauthNotConfigured())
  const key = `${s.issuer}|${s.clientId}`
  let found = cache.get(key)
  if (!found) {
    const insecure = s.issuer.startsWith('http:')
    found = oidc
      .discovery(new URL(s.issuer), s.clientId, s.clientSecret, undefined, insecure ? { execute: [oidc.allowInsecureRequests] } : undefined)
      .catch((err) => {
        cache.delete(key)
        throw httpErrors.unavailable(`The ${provider} sign-in service is unreachable (${(err as Error)?.message ?? 'discovery failed'})`)
      })
    cache.set(key, found)
  }
  return found
}

/** Where the provider sends the browser back (must be registered with the provider). */
export const callbackUrl = (config: Config, provider: Provider) => `${config.PUBLIC_URL}/api/v1/auth/oauth/${provider}/callback`
