import { afterEach, describe, expect, test } from 'bun:test'
import { call, testAppWith } from '../helpers/app'
import { uniqueEmail } from '../helpers/factories'
import { advanceClock, resetClock } from '../../src/accounts/clock'
import { limits } from '../../src/accounts/limits'
import { PASSWORD, mailFor, randomIp, register, tokenIn } from './helpers'

afterEach(resetClock)

const USER_KEYS = ['id', 'email', 'display_name', 'role', 'status', 'locale', 'email_verified', 'mfa_enabled', 'avatar_url', 'created_at'].sort()

describe('POST /auth/register', () => {
  test('201 {user, tokens}; queues a welcome and a verification email', async () => {
    const email = uniqueEmail('reg')
    const r = await call('POST', '/api/v1/auth/register', { body: { email: email.toUpperCase(), password: PASSWORD, display_name: '  Grace  ' } })
    expect(r.status).toBe(201)
    expect(Object.keys(r.body.user).sort()).toEqual(USER_KEYS)
    expect(r.body.user).toMatchObject({ email, display_name: 'Grace', role: 'student', status: 'active', locale: 'en', email_verified: false, mfa_enabled: false, avatar_url: null })
    expect(r.body.tokens).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), expires_in: expect.any(Number) })
    expect(r.text).not.toContain('password')
    const me = await call('GET', '/api/v1/me', { token: r.body.tokens.access_token })
    expect(me.status).toBe(200)
    const welcome = await mailFor(email, 'welcome')
    expect(welcome.subject).toContain('Grace')
    const verify = await mailFor(email, 'verify_email')
    expect(verify.text).toContain('24 hours')
    expect(verify.html).toContain(tokenIn(verify))
  })

  test('409 email_taken, case-insensitively', async () => {
    const { email } = await register()
    const r = await call('POST', '/api/v1/auth/register', { body: { email: email.toUpperCase(), password: PASSWORD, display_name: 'Dup' } })
    expect(r.status).toBe(409)
    expect(r.body.error.code).toBe('email_taken')
  })

  test('422 for short, long and common passwords, bad email and blank name', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ password: 'short1!' }, 'password'],
      [{ password: 'x'.repeat(129) }, 'password'],
      [{ password: 'password123' }, 'password'],
      [{ password: 'Qwertyuiop' }, 'password'],
      [{ email: 'not-an-email' }, 'email'],
      [{ display_name: '   ' }, 'display_name'],
      [{ display_name: undefined }, 'display_name'],
    ]
    for (const [patch, field] of cases) {
      const body = { email: uniqueEmail('weak'), password: PASSWORD, display_name: 'W', ...patch }
      const r = await call('POST', '/api/v1/auth/register', { body })
      expect(r.status).toBe(422)
      expect(r.body.error.code).toBe('validation_failed')
      expect(r.body.error.details.map((d: { field: string }) => d.field)).toContain(field)
    }
  })

  test('a 128-character password is accepted', async () => {
    const r = await register({ password: 'Zq9!'.repeat(32) })
    expect(r.user.email).toBeString()
  })

  test('per-IP limit → 429 with Retry-After', async () => {
    const { app } = await testAppWith({ TRUST_PROXY: '1' })
    const ip = randomIp()
    let last = 0
    let retryAfter: string | null = null
    for (let i = 0; i <= limits.registerIp.limit && last !== 429; i++) {
      // A common password passes the schema and is refused after the limit is counted (no hashing, no user).
      const r = await call('POST', '/api/v1/auth/register', { body: { email: uniqueEmail('rl'), password: 'password123', display_name: 'R' }, headers: { 'x-forwarded-for': ip } }, app)
      last = r.status
      retryAfter = r.headers.get('retry-after')
    }
    expect(last).toBe(429)
    expect(Number(retryAfter)).toBeGreaterThan(0)
  })
})

describe('POST /auth/verify-email', () => {
  test('200 {user} with email_verified: true; the token is single-use', async () => {
    const { email } = await register()
    const token = tokenIn(await mailFor(email, 'verify_email'))
    const r = await call('POST', '/api/v1/auth/verify-email', { body: { token } })
    expect(r.status).toBe(200)
    expect(r.body.user).toMatchObject({ email, email_verified: true, role: 'student' })
    const again = await call('POST', '/api/v1/auth/verify-email', { body: { token } })
    expect(again.status).toBe(400)
    expect(again.body.error.code).toBe('invalid_token')
  })

  test('400 invalid_token for an unknown token and after 24 h', async () => {
    const bad = await call('POST', '/api/v1/auth/verify-email', { body: { token: 'nope' } })
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('invalid_token')
    const { email } = await register()
    const token = tokenIn(await mailFor(email, 'verify_email'))
    advanceClock(24 * 3600 * 1000 + 1000)
    const late = await call('POST', '/api/v1/auth/verify-email', { body: { token } })
    expect(late.status).toBe(400)
    expect(late.body.error.code).toBe('invalid_token')
  })

  test('422 without a token', async () => {
    const r = await call('POST', '/api/v1/auth/verify-email', { body: {} })
    expect(r.status).toBe(422)
  })

  test('ADMIN_EMAILS: the listed account becomes admin once verified, not before', async () => {
    const email = uniqueEmail('boss')
    const { app } = await testAppWith({ ADMIN_EMAILS: `someone@else.test, ${email.toUpperCase()}` })
    const reg = await call('POST', '/api/v1/auth/register', { body: { email, password: PASSWORD, display_name: 'Boss' } }, app)
    expect(reg.body.user.role).toBe('student')
    const token = tokenIn(await mailFor(email, 'verify_email'))
    const r = await call('POST', '/api/v1/auth/verify-email', { body: { token } }, app)
    expect(r.body.user).toMatchObject({ role: 'admin', email_verified: true })
    // The role applies from the next token.
    const l = await call('POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } }, app)
    const list = await call('GET', '/api/v1/admin/users', { token: l.body.tokens.access_token }, app)
    expect(list.status).toBe(200)
  })
})

describe('POST /auth/resend-verification', () => {
  test('202 and a fresh email; 401 without a token', async () => {
    const { email, tokens } = await register()
    const first = await mailFor(email, 'verify_email')
    const r = await call('POST', '/api/v1/auth/resend-verification', { token: tokens.access_token })
    expect(r.status).toBe(202)
    const second = await mailFor(email, 'verify_email', [first])
    expect(tokenIn(second)).not.toBe(tokenIn(first))
    // Both links work until used (each is single-use).
    expect((await call('POST', '/api/v1/auth/verify-email', { body: { token: tokenIn(second) } })).status).toBe(200)
    const anon = await call('POST', '/api/v1/auth/resend-verification')
    expect(anon.status).toBe(401)
  })
})
