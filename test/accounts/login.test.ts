import { describe, expect, test } from 'bun:test'
import { call, testApp, testAppWith } from '../helpers/app'
import { newUser, uniqueEmail } from '../helpers/factories'
import { limits } from '../../src/accounts/limits'
import { PASSWORD, login, randomIp, register } from './helpers'

describe('POST /auth/login', () => {
  test('200 {user, tokens} with the case-insensitive email', async () => {
    const { email } = await register()
    const r = await login(email.toUpperCase(), PASSWORD)
    expect(r.status).toBe(200)
    expect(r.body.user.email).toBe(email)
    expect(r.body.tokens.expires_in).toBe((await testApp()).deps.config.ACCESS_TOKEN_TTL)
    expect((await call('GET', '/api/v1/me', { token: r.body.tokens.access_token })).status).toBe(200)
  })

  test('401 invalid_credentials: same answer for unknown email and wrong password, in similar time', async () => {
    const { email } = await register()
    const time = async (e: string) => {
      const t0 = performance.now()
      const r = await login(e, 'wrong-password-123')
      return { r, ms: performance.now() - t0 }
    }
    await time(uniqueEmail('warm')) // first unknown email computes the dummy hash
    // Interleaved samples and medians, so one GC pause or CPU stall cannot decide the comparison.
    const wrong: Awaited<ReturnType<typeof time>>[] = []
    const unknown: Awaited<ReturnType<typeof time>>[] = []
    for (let i = 0; i < 5; i++) {
      wrong.push(await time(email))
      unknown.push(await time(uniqueEmail('ghost')))
    }
    for (const { r } of [...wrong, ...unknown]) {
      expect(r.status).toBe(401)
      expect(r.body.error.code).toBe('invalid_credentials')
    }
    expect(wrong[0]!.r.body.error.message).toBe(unknown[0]!.r.body.error.message)
    const median = (xs: { ms: number }[]) => xs.map((x) => x.ms).sort((a, b) => a - b)[2]!
    // Both spend one argon2id verification (tens of ms); neither returns early.
    expect(median(unknown)).toBeGreaterThan(median(wrong) / 3)
    expect(median(wrong)).toBeGreaterThan(median(unknown) / 3)
  })

  test('422 for a missing field', async () => {
    const r = await call('POST', '/api/v1/auth/login', { body: { email: 'x@y.test' } })
    expect(r.status).toBe(422)
    expect(r.body.error.details.map((d: { field: string }) => d.field)).toContain('password')
  })

  test('403 account_suspended for a suspended account with the right password', async () => {
    const u = await newUser({ password: PASSWORD })
    const admin = await newUser({ role: 'admin' })
    expect((await call('PATCH', `/api/v1/admin/users/${u.id}`, { token: admin.token, body: { status: 'suspended' } })).status).toBe(200)
    const r = await login(u.email, PASSWORD)
    expect(r.status).toBe(403)
    expect(r.body.error.code).toBe('account_suspended')
    // A wrong password still gets the generic 401 (suspension is not revealed).
    expect((await login(u.email, 'not-the-password-1')).status).toBe(401)
  })

  test('brute force on one account reaches 429 while another account still logs in', async () => {
    const victim = await register()
    const other = await register()
    let r = await login(victim.email, 'guess-000000')
    for (let i = 1; i < 15 && r.status !== 429; i++) r = await login(victim.email, `guess-${i}-000000`)
    expect(r.status).toBe(429)
    expect(r.body.error.code).toBe('rate_limited')
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(60)
    // Even the right password is refused while the account is locked...
    expect((await login(victim.email, PASSWORD)).status).toBe(429)
    // ...but another account from the same IP is fine.
    expect((await login(other.email, PASSWORD)).status).toBe(200)
  })

  test('per-IP limit → 429 for every account from that IP, not from others', async () => {
    const { app } = await testAppWith({ TRUST_PROXY: '1' })
    const ip = randomIp()
    const u = await register()
    // One target keeps this cheap: after its 10 tries the account limit answers before any
    // hashing, while every request still counts against the IP.
    for (let i = 0; i < limits.loginIp.limit; i++) {
      await call('POST', '/api/v1/auth/login', { body: { email: 'spray@example.test', password: 'spray-password-1' }, headers: { 'x-forwarded-for': ip } }, app)
    }
    const blocked = await call('POST', '/api/v1/auth/login', { body: { email: u.email, password: PASSWORD }, headers: { 'x-forwarded-for': ip } }, app)
    expect(blocked.status).toBe(429)
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    const ok = await call('POST', '/api/v1/auth/login', { body: { email: u.email, password: PASSWORD }, headers: { 'x-forwarded-for': randomIp() } }, app)
    expect(ok.status).toBe(200)
  })

  test('OAuth-only accounts (no password) get the same 401', async () => {
    const { deps } = await testApp()
    const email = uniqueEmail('nopw')
    await deps.sql`insert into users (email, display_name) values (${email}, 'No Password')`
    const r = await login(email, PASSWORD)
    expect(r.status).toBe(401)
    expect(r.body.error.code).toBe('invalid_credentials')
  })
})
