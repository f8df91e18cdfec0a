/**
 * SPEC §12 "Credentials under attack", MFA: an escalating per-account lockout after failed
 * challenges, and at most one emailed code per 60 s and 5 per hour per account.
 * Time moves with the accounts clock (no sleeps).
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { TOTP, Secret } from 'otpauth'
import { call, testAppWith } from '../helpers/app'
import { advanceClock, now, resetClock } from '../../src/accounts/clock'
import { PASSWORD, codeIn, login, mailFor, mailsTo, register } from './helpers'
import type { Received } from '../helpers/smtp'

afterEach(resetClock)

const MINUTE = 60_000
const totpCode = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret), period: 30, digits: 6 }).generate({ timestamp: now() })
const verify = (challenge_token: string, code: string) => call('POST', '/api/v1/auth/mfa/verify', { body: { challenge_token, code } })
const enableEmail = (token: string) => call('POST', '/api/v1/auth/mfa/email/enable', { token, body: { password: PASSWORD } })

async function totpUser() {
  const u = await register()
  const s = await call('POST', '/api/v1/auth/mfa/totp/setup', { token: u.tokens.access_token, body: { password: PASSWORD } })
  const c = await call('POST', '/api/v1/auth/mfa/totp/confirm', { token: u.tokens.access_token, body: { code: totpCode(s.body.secret) } })
  expect(c.status).toBe(200)
  return { ...u, secret: s.body.secret as string }
}

/** A wrong TOTP code for this moment. */
const wrongFor = (secret: string) => (totpCode(secret) === '000000' ? '111111' : '000000')

/** Logs in and spends the challenge's 5 attempts on wrong codes (a failed challenge). */
async function failChallenge(u: { email: string; secret: string }) {
  const l = await login(u.email, PASSWORD)
  expect(l.status).toBe(200)
  for (let i = 0; i < 5; i++) expect((await verify(l.body.challenge_token, wrongFor(u.secret))).body.error.code).toBe('invalid_code')
}

function expectRateLimited(r: { status: number; body: any; headers: Headers }, maxSeconds: number) {
  expect(r.status).toBe(429)
  expect(r.body.error.code).toBe('rate_limited')
  const retry = Number(r.headers.get('retry-after'))
  expect(retry).toBeGreaterThan(0)
  expect(retry).toBeLessThanOrEqual(maxSeconds)
  return retry
}

describe('MFA lockout after failed challenges', () => {
  test('the first failed challenge only ends it; each further one within an hour locks the account 1, 2 … minutes', async () => {
    const u = await totpUser()
    await failChallenge(u)
    const open = await login(u.email, PASSWORD)
    expect(open.body.mfa_required).toBe(true)
    await failChallenge(u)

    // Locked for 1 minute: a live challenge cannot be answered, even with the right code, and no new one starts.
    expectRateLimited(await verify(open.body.challenge_token, totpCode(u.secret)), 60)
    expectRateLimited(await login(u.email, PASSWORD), 60)
    expect((await call('GET', '/metrics')).text).toMatch(/^lyceum_rate_limited_total\{limit="mfa-lockout"\} [1-9]/m)
    advanceClock(MINUTE + 1000)
    expect((await verify(open.body.challenge_token, totpCode(u.secret))).status).toBe(200)

    // The third failed challenge within the hour: 2 minutes.
    await failChallenge(u)
    expect(expectRateLimited(await login(u.email, PASSWORD), 120)).toBeGreaterThan(60)
    advanceClock(MINUTE + 1000)
    expectRateLimited(await login(u.email, PASSWORD), 60)
    advanceClock(MINUTE)
    expect((await login(u.email, PASSWORD)).body.mfa_required).toBe(true)
  })

  test('failed challenges more than an hour apart do not escalate', async () => {
    const u = await totpUser()
    await failChallenge(u)
    advanceClock(61 * MINUTE)
    await failChallenge(u)
    expect((await login(u.email, PASSWORD)).body.mfa_required).toBe(true)
  })

  test('the lockout is per account', async () => {
    const u = await totpUser()
    const other = await totpUser()
    await failChallenge(u)
    await failChallenge(u)
    expect((await login(u.email, PASSWORD)).status).toBe(429)
    const l = await login(other.email, PASSWORD)
    const ok = await verify(l.body.challenge_token, totpCode(other.secret))
    expect(ok.status).toBe(200)
    // A completed challenge marks the device as known, like a password login that issues tokens.
    expect(ok.headers.getSetCookie().find((c) => c.startsWith('lyceum_device='))).toContain('HttpOnly')
  })
})

describe('emailed codes: at most 1 per 60 s and 5 per hour per account', () => {
  test('a second code within 60 s → 429 (login and /mfa/email/enable); 5 per hour', async () => {
    const u = await register()
    const token = u.tokens.access_token
    expect((await enableEmail(token)).status).toBe(202)
    const first = await mailFor(u.email, 'mfa_code')
    expectRateLimited(await enableEmail(token), 60)
    advanceClock(MINUTE)
    expect((await call('POST', '/api/v1/auth/mfa/email/confirm', { token, body: { code: codeIn(first) } })).status).toBe(200)

    // Login right after an emailed code: no new code yet.
    advanceClock(-MINUTE + 30_000)
    expectRateLimited(await login(u.email, PASSWORD), 30)
    advanceClock(30_000)
    let seen: Received[] = [first]
    for (let sent = 2; sent <= 5; sent++) {
      const l = await login(u.email, PASSWORD)
      expect(l.body).toMatchObject({ mfa_required: true, methods: ['email'] })
      seen = [...seen, await mailFor(u.email, 'mfa_code', seen)]
      advanceClock(MINUTE)
    }
    // Five codes in the last hour: the sixth waits until the first is an hour old.
    const sixth = await login(u.email, PASSWORD)
    expect(expectRateLimited(sixth, 3600)).toBeGreaterThan(60)
    expectRateLimited(await enableEmail(token), 3600)
    expect(mailsTo(u.email, 'mfa_code')).toHaveLength(5)
    advanceClock(61 * MINUTE)
    const later = await login(u.email, PASSWORD)
    expect(later.body.mfa_required).toBe(true)
    const code = codeIn(await mailFor(u.email, 'mfa_code', seen))
    expect((await verify(later.body.challenge_token, code)).status).toBe(200)
  })

  test('LIMIT_MFA_EMAILS_PER_HOUR=0 turns the emailed-code limits off', async () => {
    const off = await testAppWith({ LIMIT_MFA_EMAILS_PER_HOUR: '0' })
    const u = await register()
    const enable = () => call('POST', '/api/v1/auth/mfa/email/enable', { token: u.tokens.access_token, body: { password: PASSWORD } }, off.app)
    expect([(await enable()).status, (await enable()).status, (await enable()).status]).toEqual([202, 202, 202])
  })

  test('with TOTP on as well, a login while codes are throttled offers TOTP only and sends no email', async () => {
    const u = await totpUser()
    const token = u.tokens.access_token
    await enableEmail(token)
    const setup = await mailFor(u.email, 'mfa_code')
    expect((await call('POST', '/api/v1/auth/mfa/email/confirm', { token, body: { code: codeIn(setup) } })).status).toBe(200)
    const l = await login(u.email, PASSWORD)
    expect(l.status).toBe(200)
    expect(l.body).toMatchObject({ mfa_required: true, methods: ['totp'] })
    expect((await verify(l.body.challenge_token, totpCode(u.secret))).status).toBe(200)
    expect(mailsTo(u.email, 'mfa_code')).toHaveLength(1)
  })
})
