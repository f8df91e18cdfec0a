import type { Config } from '../../platform/config'

/**
 * The cookie that binds an OAuth `state` to the browser that started the flow (SPEC §12): set
 * on our 302 to the provider, required by the callback. Lax, so the provider's top-level
 * redirect back carries it; HttpOnly; Secure outside development and test.
 */
export const OAUTH_COOKIE = 'lyceum_oauth'
export const OAUTH_STATE_TTL_SECONDS = 600

export const oauthCookie = (config: Pick<Config, 'NODE_ENV'>, value: string) => ({
  value,
  path: '/api/v1/auth/oauth',
  maxAge: OAUTH_STATE_TTL_SECONDS,
  httpOnly: true,
  sameSite: 'lax' as const,
  secure: config.NODE_ENV === 'production',
})
