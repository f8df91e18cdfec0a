import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { call, testApp, testAppWith, type CallResult } from '../helpers/app'
import { uniqueEmail } from '../helpers/factories'
import { advanceClock, resetClock } from '../../src/accounts/clock'
import { sha256 } from '../../src/accounts/secrets'
import { TOTP, Secret } from 'otpauth'
import { oauthCookie } from '../../src/accounts/oauth/cookie'
import { PASSWORD, authorizeAtProvider, codeIn, mailFor, randomIp, register, startOidc, tokenIn, type IdClaims } from './helpers'

type Oidc = Awaited<ReturnType<typeof startOidc>>
type App = Awaited<ReturnType<typeof testAppWith>>
let google: Oidc
let microsoft: Oidc
let api: App
let redirectApi: App
const bossEmail = uniqueEmail('oauth-boss')

const settings = () => ({
  GOOGLE_ISSUER: google.issuer,
  GOOGLE_CLIENT_ID: 'client-google',
  GOOGLE_CLIENT_SECRET: 'google-secret',
  MICROSOFT_ISSUER: microsoft.issuer,
  MICROSOFT_CLIENT_ID: 'client-microsoft',
  MICROSOFT_CLIENT_SECRET: 'microsoft-secret',
  ADMIN_EMAILS: bossEmail,
})

beforeAll(async () => {
  ;[google, microsoft] = await Promise.all([startOidc(), startOidc()])
  api = await testAppWith(settings())
  redirectApi = await testAppWith({ ...settings(), OAUTH_CLIENT_REDIRECT_URL: 'https://app.example.test/oauth/done?from=lyceum' })
})
afterAll(async () => {
  await Promise.all([google.stop(), microsoft.stop()])
})
afterEach(resetClock)

/** The `name=value` of the OAuth binding cookie a response set, with its attributes. */
function bindingCookie(headers: Headers) {
  const c = headers.getSetCookie().find((h) => h.startsWith('lyceum_oauth='))
  return c ? { pair: c.split(';')[0]!, attrs: c } : null
}

/**
 * Starts a sign-in at our API and follows the provider's redirect; returns the callback path
 * and the browser's cookie header (the state binding set on our 302).
 */
async function toCallback(provider: 'google' | 'microsoft', claims: IdClaims, target: App = api) {
  ;(provider === 'google' ? google : microsoft).setNext(claims)
  const start = await call('GET', `/api/v1/auth/oauth/${provider}`, {}, target.app)
  expect(start.status).toBe(302)
  const path = await authorizeAtProvider(start.headers.get('location')!)
  return { path, cookie: bindingCookie(start.headers)?.pair ?? '' }
}

/** The provider's redirect back to us, from the browser that started the flow. */
const callback = (cb: { path: string; cookie: string }, target: App = api, path = cb.path) =>
  call('GET', path, { headers: cb.cookie ? { cookie: cb.cookie } : {} }, target.app)

async function signIn(provider: 'google' | 'microsoft', claims: IdClaims, target: App = api): Promise<CallResult> {
  return callback(await toCallback(provider, claims, target), target)
}

const sub = () => `sub-${crypto.randomUUID()}`

/** A registered account whose email is verified. */
async function verifiedUser() {
  const u = await register()
  const v = await call('POST', '/api/v1/auth/verify-email', { body: { token: tokenIn(await mailFor(u.email, 'verify_email')) } })
  expect(v.status).toBe(200)
  return u
}

describe('GET /auth/oauth/:provider', () => {
  test("302 to the provider's authorization endpoint with state, nonce and PKCE S256", async () => {
    const r = await call('GET', '/api/v1/auth/oauth/google', {}, api.app)
    expect(r.status).toBe(302)
    const url = new URL(r.headers.get('location')!)
    expect(url.origin).toBe(new URL(google.issuer).origin)
    for (const p of ['state', 'nonce', 'code_challenge']) expect(url.searchParams.get(p)).toBeTruthy()
    expect(url.searchParams.get('code_challenge_method')).toBe('S256')
    expect(url.searchParams.get('client_id')).toBe('client-google')
    expect(url.searchParams.get('redirect_uri')).toBe('http://localhost:3000/api/v1/auth/oauth/google/callback')
    // A Response built by the handler still gets the platform headers, and is counted with its own status.
    expect(r.headers.get('x-request-id')).toBeString()
    expect(r.headers.get('x-content-type-options')).toBe('nosniff')
    const metrics = (await call('GET', '/metrics', {}, api.app)).text
    expect(metrics).toMatch(/http_requests_total\{method="GET",route="\/api\/v1\/auth\/oauth\/:provider",status="302"\} [1-9]/)
  })

  test('503 unavailable when the provider cannot be reached', async () => {
    const down = await testAppWith({ GOOGLE_ISSUER: 'http://127.0.0.1:9/nothing-here', GOOGLE_CLIENT_ID: 'client-down' })
    const r = await call('GET', '/api/v1/auth/oauth/google', {}, down.app)
    expect(r.status).toBe(503)
    expect(r.body.error.code).toBe('unavailable')
  })

  test('404 for an unknown or unconfigured provider', async () => {
    expect((await call('GET', '/api/v1/auth/oauth/github', {}, api.app)).status).toBe(404)
    const { app } = await testApp()
    expect((await call('GET', '/api/v1/auth/oauth/google', {}, app)).status).toBe(404)
  })
})

describe('GET /auth/oauth/:provider/callback', () => {
  test('Google: full redirect → callback → tokens; creates a verified account, then finds it again', async () => {
    const s = sub()
    const email = uniqueEmail('g')
    const r = await signIn('google', { sub: s, email, email_verified: true, name: 'Gia Google' })
    expect(r.status).toBe(200)
    expect(r.body.user).toMatchObject({ email, display_name: 'Gia Google', email_verified: true, role: 'student' })
    expect((await call('GET', '/api/v1/me', { token: r.body.tokens.access_token }, api.app)).status).toBe(200)
    const again = await signIn('google', { sub: s, email, email_verified: true })
    expect(again.body.user.id).toBe(r.body.user.id)
    await mailFor(email, 'welcome')
  })

  test('Microsoft: full flow (xms_edov marks the email verified)', async () => {
    const email = uniqueEmail('ms')
    const r = await signIn('microsoft', { sub: sub(), email, name: 'Mo Microsoft', xms_edov: true })
    expect(r.status).toBe(200)
    expect(r.body.user).toMatchObject({ email, email_verified: true })
  })

  test('an unverified provider email creates an unverified account and a verification email', async () => {
    const email = uniqueEmail('unv')
    const r = await signIn('microsoft', { sub: sub(), email })
    expect(r.status).toBe(200)
    expect(r.body.user.email_verified).toBe(false)
    await mailFor(email, 'verify_email')
  })

  test('links to an existing account only when the provider verified the email', async () => {
    const existing = await register()
    const conflict = await signIn('google', { sub: sub(), email: existing.email, email_verified: false })
    expect(conflict.status).toBe(409)
    expect(conflict.body.error.code).toBe('email_unverified_conflict')
    const linked = await signIn('google', { sub: sub(), email: existing.email.toUpperCase(), email_verified: true })
    expect(linked.status).toBe(200)
    expect(linked.body.user.id).toBe(existing.user.id)
    expect(linked.body.user.email_verified).toBe(true)
  })

  test('linking to a never-verified account drops the password and sessions of whoever registered it', async () => {
    // Someone pre-registers the victim's address (never verified)...
    const squatter = await register()
    const victimClaims = { sub: sub(), email: squatter.email, email_verified: true }
    // ...then the real owner signs in with Google.
    const r = await signIn('google', victimClaims)
    expect(r.status).toBe(200)
    expect(r.body.user.id).toBe(squatter.user.id)
    const me = await call('GET', '/api/v1/me', { token: squatter.tokens.access_token }, api.app)
    expect(me.body.error.code).toBe('token_revoked')
    const pw = await call('POST', '/api/v1/auth/login', { body: { email: squatter.email, password: PASSWORD } }, api.app)
    expect(pw.status).toBe(401)
    // A verified account keeps its password when linked.
    const owner = await register()
    await call('POST', '/api/v1/auth/verify-email', { body: { token: tokenIn(await mailFor(owner.email, 'verify_email')) } })
    await signIn('google', { sub: sub(), email: owner.email, email_verified: true })
    expect((await call('POST', '/api/v1/auth/login', { body: { email: owner.email, password: PASSWORD } }, api.app)).status).toBe(200)
  })

  test('ADMIN_EMAILS: a provider-verified listed email becomes admin', async () => {
    const r = await signIn('google', { sub: sub(), email: bossEmail, email_verified: true })
    expect(r.body.user.role).toBe('admin')
  })

  test('400 oauth_state_invalid for an unknown, reused or other-provider state', async () => {
    const bogus = await call('GET', '/api/v1/auth/oauth/google/callback?code=abc&state=bogus', {}, api.app)
    expect(bogus.status).toBe(400)
    expect(bogus.body.error.code).toBe('oauth_state_invalid')
    const missing = await call('GET', '/api/v1/auth/oauth/google/callback?code=abc', {}, api.app)
    expect(missing.body.error.code).toBe('oauth_state_invalid')
    const cb = await toCallback('google', { sub: sub(), email: uniqueEmail('st'), email_verified: true })
    const cross = await callback(cb, api, cb.path.replace('/google/', '/microsoft/'))
    expect(cross.body.error.code).toBe('oauth_state_invalid')
    const cb2 = await toCallback('google', { sub: sub(), email: uniqueEmail('st'), email_verified: true })
    expect((await callback(cb2)).status).toBe(200)
    const reused = await callback(cb2)
    expect(reused.status).toBe(400)
    expect(reused.body.error.code).toBe('oauth_state_invalid')
  })

  test('a state older than 10 minutes is refused', async () => {
    const cb = await toCallback('google', { sub: sub(), email: uniqueEmail('old'), email_verified: true })
    advanceClock(10 * 60 * 1000 + 1000)
    const r = await callback(cb)
    expect(r.body.error.code).toBe('oauth_state_invalid')
  })

  test('a bad PKCE verifier makes the code exchange fail → 400 oauth_failed', async () => {
    const cb = await toCallback('google', { sub: sub(), email: uniqueEmail('pkce'), email_verified: true })
    const state = new URL(`http://x${cb.path}`).searchParams.get('state')!
    const key = api.deps.keys('acct', 'oauth-state', sha256(state))
    const pending = JSON.parse((await api.deps.redis.get(key))!)
    pending.verifier = 'x'.repeat(43) + 'tampered'
    await api.deps.redis.set(key, JSON.stringify(pending))
    const r = await callback(cb)
    expect(r.status).toBe(400)
    expect(r.body.error.code).toBe('oauth_failed')
  })

  test('a provider error (?error=access_denied) → 400 oauth_failed', async () => {
    const cb = await toCallback('google', { sub: sub(), email: uniqueEmail('deny'), email_verified: true })
    const url = new URL(`http://x${cb.path}`)
    const r = await callback(cb, api, `${url.pathname}?error=access_denied&state=${url.searchParams.get('state')}`)
    expect(r.status).toBe(400)
    expect(r.body.error.code).toBe('oauth_failed')
  })

  test('an MFA user gets the challenge from an OAuth login too', async () => {
    // A verified account: linking a never-verified one would clear its MFA (the takeover case).
    const u = await verifiedUser()
    await call('POST', '/api/v1/auth/mfa/email/enable', { token: u.tokens.access_token, body: { password: PASSWORD } })
    const setup = await mailFor(u.email, 'mfa_code')
    await call('POST', '/api/v1/auth/mfa/email/confirm', { token: u.tokens.access_token, body: { code: codeIn(setup) } })
    advanceClock(60_000) // the next code may be emailed a minute later
    const r = await signIn('google', { sub: sub(), email: u.email, email_verified: true })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ mfa_required: true, methods: ['email'] })
    const code = codeIn(await mailFor(u.email, 'mfa_code', [setup]))
    const v = await call('POST', '/api/v1/auth/mfa/verify', { body: { challenge_token: r.body.challenge_token, code } }, api.app)
    expect(v.status).toBe(200)
    expect(v.body.user.id).toBe(u.user.id)
  })
})

describe('OAuth under attack (SPEC §12)', () => {
  test('the 302 sets an HttpOnly, SameSite=Lax state-binding cookie for the callback path only (Secure in production)', async () => {
    const r = await call('GET', '/api/v1/auth/oauth/google', {}, api.app)
    const c = bindingCookie(r.headers)!
    expect(c).not.toBeNull()
    expect(c.attrs).toContain('HttpOnly')
    expect(c.attrs).toContain('SameSite=Lax')
    expect(c.attrs).toContain('Path=/api/v1/auth/oauth')
    expect(c.attrs).toMatch(/Max-Age=600/)
    expect(c.attrs).not.toContain('Secure')
    expect(oauthCookie({ NODE_ENV: 'production' }, 'x').secure).toBe(true)
    expect(oauthCookie({ NODE_ENV: 'development' }, 'x').secure).toBe(false)
  })

  test("a callback without the starting browser's cookie → 400 oauth_state_invalid (login CSRF)", async () => {
    // An attacker starts a flow, signs in at the provider as themselves and sends the victim the callback link.
    const attacker = await toCallback('google', { sub: sub(), email: uniqueEmail('csrf'), email_verified: true })
    const victim = await callback({ path: attacker.path, cookie: '' })
    expect(victim.status).toBe(400)
    expect(victim.body.error.code).toBe('oauth_state_invalid')
    // Nor with the binding cookie of another flow the victim started.
    const own = await call('GET', '/api/v1/auth/oauth/google', {}, api.app)
    const other = await toCallback('google', { sub: sub(), email: uniqueEmail('csrf'), email_verified: true })
    const crossed = await callback({ path: other.path, cookie: bindingCookie(own.headers)!.pair })
    expect(crossed.status).toBe(400)
    expect(crossed.body.error.code).toBe('oauth_state_invalid')
  })

  test('starting a flow is rate limited per IP: the 31st start in a minute → 429 with Retry-After', async () => {
    const limited = await testAppWith({ ...settings(), TRUST_PROXY: '1' })
    const ip = randomIp()
    const start = (from: string) => call('GET', '/api/v1/auth/oauth/google', { headers: { 'x-forwarded-for': from } }, limited.app)
    const statuses = await Promise.all(Array.from({ length: 30 }, () => start(ip).then((r) => r.status)))
    expect(statuses).toEqual(Array(30).fill(302))
    const over = await start(ip)
    expect(over.status).toBe(429)
    expect(over.body.error.code).toBe('rate_limited')
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(bindingCookie(over.headers)).toBeNull()
    expect((await start(randomIp())).status).toBe(302)
    // LIMIT_OAUTH_STARTS_PER_MIN sets the number (0 = off).
    const strict = await testAppWith({ ...settings(), TRUST_PROXY: '1', LIMIT_OAUTH_STARTS_PER_MIN: '1' })
    const ip2 = randomIp()
    expect((await call('GET', '/api/v1/auth/oauth/google', { headers: { 'x-forwarded-for': ip2 } }, strict.app)).status).toBe(302)
    expect((await call('GET', '/api/v1/auth/oauth/google', { headers: { 'x-forwarded-for': ip2 } }, strict.app)).status).toBe(429)
  })

  test('the pending state lives in Redis for 10 minutes at most', async () => {
    const r = await call('GET', '/api/v1/auth/oauth/google', {}, api.app)
    const state = new URL(r.headers.get('location')!).searchParams.get('state')!
    const ttl = await api.deps.redis.ttl(api.deps.keys('acct', 'oauth-state', sha256(state)))
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(600)
  })

  test("taking over a never-verified account clears its MFA factors and recovery codes, not only its password and sessions", async () => {
    const squatter = await register()
    const token = squatter.tokens.access_token
    const setup = await call('POST', '/api/v1/auth/mfa/totp/setup', { token, body: { password: PASSWORD } })
    const code = new TOTP({ secret: Secret.fromBase32(setup.body.secret), period: 30, digits: 6 }).generate()
    expect((await call('POST', '/api/v1/auth/mfa/totp/confirm', { token, body: { code } })).status).toBe(200)
    const r = await signIn('google', { sub: sub(), email: squatter.email, email_verified: true })
    expect(r.status).toBe(200)
    expect(r.body.tokens).toBeDefined()
    expect(r.body.user).toMatchObject({ id: squatter.user.id, mfa_enabled: false, email_verified: true })
    const [row] = await api.deps.sql`select password_hash, totp_secret, totp_secret_enc, totp_enabled_at, mfa_email_enabled from users where id = ${squatter.user.id}`
    expect(row).toEqual({ password_hash: null, totp_secret: null, totp_secret_enc: null, totp_enabled_at: null, mfa_email_enabled: false })
    const [{ n }] = await api.deps.sql`select count(*)::int as n from recovery_codes where user_id = ${squatter.user.id}`
    expect(n).toBe(0)
    expect((await call('GET', '/api/v1/me', { token }, api.app)).body.error.code).toBe('token_revoked')
  })
})

describe('login_code mode (OAUTH_CLIENT_REDIRECT_URL)', () => {
  const exchange = (login_code: string) => call('POST', '/api/v1/auth/oauth/exchange', { body: { login_code } }, redirectApi.app)

  async function loginCode(claims: IdClaims) {
    const r = await signIn('google', claims, redirectApi)
    expect(r.status).toBe(302)
    const to = new URL(r.headers.get('location')!)
    expect(`${to.origin}${to.pathname}`).toBe('https://app.example.test/oauth/done')
    expect(to.searchParams.get('from')).toBe('lyceum')
    return to.searchParams.get('login_code')!
  }

  test('302 to the client with ?login_code=; the exchange answers {user, tokens}; single use', async () => {
    const email = uniqueEmail('lc')
    const code = await loginCode({ sub: sub(), email, email_verified: true })
    const r = await exchange(code)
    expect(r.status).toBe(200)
    expect(r.body.user.email).toBe(email)
    expect(r.body.tokens.access_token).toBeString()
    const again = await exchange(code)
    expect(again.status).toBe(400)
    expect(again.body.error.code).toBe('invalid_token')
  })

  test('the login code expires after 60 s; unknown codes → 400; missing → 422', async () => {
    const code = await loginCode({ sub: sub(), email: uniqueEmail('lc'), email_verified: true })
    advanceClock(61_000)
    expect((await exchange(code)).status).toBe(400)
    expect((await exchange('nope')).status).toBe(400)
    expect((await call('POST', '/api/v1/auth/oauth/exchange', { body: {} }, redirectApi.app)).status).toBe(422)
  })

  test('for an MFA user the exchange answers the challenge, exactly as /auth/login would', async () => {
    // A verified account: linking a never-verified one would clear its MFA (the takeover case).
    const u = await verifiedUser()
    await call('POST', '/api/v1/auth/mfa/email/enable', { token: u.tokens.access_token, body: { password: PASSWORD } })
    const setup = await mailFor(u.email, 'mfa_code')
    await call('POST', '/api/v1/auth/mfa/email/confirm', { token: u.tokens.access_token, body: { code: codeIn(setup) } })
    advanceClock(60_000) // the next code may be emailed a minute later
    const code = await loginCode({ sub: sub(), email: u.email, email_verified: true })
    const r = await exchange(code)
    expect(r.body).toMatchObject({ mfa_required: true, methods: ['email'] })
  })
})
