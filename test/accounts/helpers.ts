/** Helpers shared by the accounts tests (HTTP flows, emails from the SMTP sink, a local OIDC provider). */
import { OAuth2Server } from 'oauth2-mock-server'
import { call, smtp, testWorkers, type CallOptions } from '../helpers/app'
import { uniqueEmail } from '../helpers/factories'
import type { Received } from '../helpers/smtp'

export const PASSWORD = 'velvet-otter-harbour-42'

/** Registers through the API; returns the response body plus the credentials. */
export async function register(opts: { email?: string; password?: string; display_name?: string } = {}, callOpts: CallOptions = {}) {
  const email = opts.email ?? uniqueEmail('acct')
  const password = opts.password ?? PASSWORD
  const r = await call('POST', '/api/v1/auth/register', { ...callOpts, body: { email, password, display_name: opts.display_name ?? 'Ada Lovelace' } })
  if (r.status !== 201) throw new Error(`register failed: ${r.status} ${r.text}`)
  return { email, password, user: r.body.user, tokens: r.body.tokens as { access_token: string; refresh_token: string; expires_in: number } }
}

export const login = (email: string, password: string, headers?: Record<string, string>) =>
  call('POST', '/api/v1/auth/login', { body: { email, password }, headers })

/** The newest mail to `email` from `template` that is not in `seen`. */
export async function mailFor(email: string, template: string, seen: Received[] = []) {
  await testWorkers()
  return smtp().waitFor(email, (m) => m.headers['x-lyceum-template'] === template && !seen.includes(m))
}

export const tokenIn = (m: Received) => m.text.match(/in the app: ([A-Za-z0-9_-]+)/)![1]!
export const codeIn = (m: Received) => m.text.match(/code is: (\d{6})/)![1]!
export const mailsTo = (email: string, template: string) => smtp().messagesTo(email).filter((m) => m.headers['x-lyceum-template'] === template)

/** A random client IP for apps built with TRUST_PROXY=1 (keeps per-IP limits per test). */
export const randomIp = () => `10.${(Math.random() * 255) | 0}.${(Math.random() * 255) | 0}.${(Math.random() * 255) | 0}`

/** Claims the next ID token will carry (set per test). */
export type IdClaims = { sub: string; email?: string; email_verified?: boolean; name?: string; [k: string]: unknown }

/** A local OpenID provider standing in for Google or Microsoft; `next` sets the next ID token's claims. */
export async function startOidc() {
  const server = new OAuth2Server()
  await server.issuer.keys.generate('RS256')
  await server.start(0, '127.0.0.1')
  let next: IdClaims | null = null
  server.service.on('beforeTokenSigning', (token) => {
    // Only the ID token has our client id as audience; access tokens keep the defaults.
    if (next && token.payload.aud !== undefined && typeof token.payload.aud === 'string' && token.payload.aud.startsWith('client-')) Object.assign(token.payload, next)
  })
  return {
    server,
    issuer: server.issuer.url!,
    setNext: (claims: IdClaims) => void (next = claims),
    stop: () => server.stop(),
  }
}

/** Follows our 302 to the provider's /authorize, and its 302 back; returns our callback path + query. */
export async function authorizeAtProvider(location: string) {
  const res = await fetch(location, { redirect: 'manual' })
  const back = res.headers.get('location')
  if (res.status !== 302 || !back) throw new Error(`provider answered ${res.status}`)
  const url = new URL(back)
  return `${url.pathname}${url.search}`
}
