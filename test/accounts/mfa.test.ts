import { afterEach, describe, expect, test } from 'bun:test'
import { TOTP, Secret } from 'otpauth'
import { call } from '../helpers/app'
import { advanceClock, now, resetClock } from '../../src/accounts/clock'
import { EMAIL_CODE_INTERVAL_MS } from '../../src/accounts/mfa/limits'
import { PASSWORD, codeIn, login, mailFor, register } from './helpers'
import type { Received } from '../helpers/smtp'

afterEach(resetClock)

const totpCode = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret), period: 30, digits: 6 }).generate({ timestamp: now() })

/** A registered user with email MFA turned on. */
async function emailMfaUser() {
  const u = await register()
  const r = await call('POST', '/api/v1/auth/mfa/email/enable', { token: u.tokens.access_token, body: { password: PASSWORD } })
  expect(r.status).toBe(202)
  const mail = await mailFor(u.email, 'mfa_code')
  const c = await call('POST', '/api/v1/auth/mfa/email/confirm', { token: u.tokens.access_token, body: { code: codeIn(mail) } })
  expect(c.status).toBe(200)
  expect(c.body.user.mfa_enabled).toBe(true)
  // The next code may be emailed a minute after this one (SPEC §12).
  advanceClock(EMAIL_CODE_INTERVAL_MS)
  return { ...u, seen: [mail] as Received[] }
}

/** A registered user with TOTP turned on. */
async function totpUser() {
  const u = await register()
  const s = await call('POST', '/api/v1/auth/mfa/totp/setup', { token: u.tokens.access_token, body: { password: PASSWORD } })
  expect(s.status).toBe(200)
  expect(s.body.otpauth_url).toStartWith('otpauth://totp/')
  const c = await call('POST', '/api/v1/auth/mfa/totp/confirm', { token: u.tokens.access_token, body: { code: totpCode(s.body.secret) } })
  expect(c.status).toBe(200)
  expect(c.body.recovery_codes).toHaveLength(10)
  expect(new Set(c.body.recovery_codes).size).toBe(10)
  return { ...u, secret: s.body.secret as string, recovery: c.body.recovery_codes as string[] }
}

const verify = (challenge_token: string, code: string) => call('POST', '/api/v1/auth/mfa/verify', { body: { challenge_token, code } })

describe('email MFA', () => {
  test('login → challenge + emailed code → verify → tokens', async () => {
    const u = await emailMfaUser()
    const l = await login(u.email, PASSWORD)
    expect(l.status).toBe(200)
    expect(l.body).toEqual({ mfa_required: true, challenge_token: expect.any(String), methods: ['email'] })
    const code = codeIn(await mailFor(u.email, 'mfa_code', u.seen))
    const v = await verify(l.body.challenge_token, code)
    expect(v.status).toBe(200)
    expect(v.body.user.mfa_enabled).toBe(true)
    expect((await call('GET', '/api/v1/me', { token: v.body.tokens.access_token })).status).toBe(200)
    // A completed challenge cannot be used again.
    const again = await verify(l.body.challenge_token, code)
    expect(again.status).toBe(401)
    expect(again.body.error.code).toBe('challenge_expired')
  })

  test('5 wrong codes kill the challenge (even the right code fails after)', async () => {
    const u = await emailMfaUser()
    const l = await login(u.email, PASSWORD)
    const code = codeIn(await mailFor(u.email, 'mfa_code', u.seen))
    const wrong = code === '000000' ? '111111' : '000000'
    for (let i = 0; i < 5; i++) {
      const r = await verify(l.body.challenge_token, wrong)
      expect(r.status).toBe(401)
      expect(r.body.error.code).toBe('invalid_code')
    }
    const r = await verify(l.body.challenge_token, code)
    expect(r.status).toBe(401)
    expect(r.body.error.code).toBe('challenge_expired')
  })

  test('parallel guesses cannot get past the 5-attempt limit', async () => {
    const u = await emailMfaUser()
    const l = await login(u.email, PASSWORD)
    const code = codeIn(await mailFor(u.email, 'mfa_code', u.seen))
    const wrong = code === '000000' ? '111111' : '000000'
    const results = await Promise.all(Array.from({ length: 10 }, () => verify(l.body.challenge_token, wrong)))
    const codes = results.map((r) => r.body.error.code)
    expect(codes.filter((c) => c === 'invalid_code')).toHaveLength(5)
    expect(codes.filter((c) => c === 'challenge_expired')).toHaveLength(5)
    expect((await verify(l.body.challenge_token, code)).body.error.code).toBe('challenge_expired')
  })

  test('the code expires after 10 minutes → challenge_expired', async () => {
    const u = await emailMfaUser()
    const l = await login(u.email, PASSWORD)
    const code = codeIn(await mailFor(u.email, 'mfa_code', u.seen))
    advanceClock(10 * 60 * 1000 + 1000)
    const r = await verify(l.body.challenge_token, code)
    expect(r.status).toBe(401)
    expect(r.body.error.code).toBe('challenge_expired')
  })

  test('a garbage challenge token → 401 challenge_expired; 422 without a code', async () => {
    const r = await verify('garbage', '123456')
    expect(r.status).toBe(401)
    expect(r.body.error.code).toBe('challenge_expired')
    expect((await call('POST', '/api/v1/auth/mfa/verify', { body: { challenge_token: 'x' } })).status).toBe(422)
  })

  test('enable needs the password (401); confirm rejects a wrong code (401 invalid_code)', async () => {
    const u = await register()
    const bad = await call('POST', '/api/v1/auth/mfa/email/enable', { token: u.tokens.access_token, body: { password: 'nope-nope-nope' } })
    expect(bad.status).toBe(401)
    expect(bad.body.error.code).toBe('invalid_credentials')
    await call('POST', '/api/v1/auth/mfa/email/enable', { token: u.tokens.access_token, body: { password: PASSWORD } })
    const code = codeIn(await mailFor(u.email, 'mfa_code'))
    const wrong = await call('POST', '/api/v1/auth/mfa/email/confirm', { token: u.tokens.access_token, body: { code: code === '999999' ? '999998' : '999999' } })
    expect(wrong.status).toBe(401)
    expect(wrong.body.error.code).toBe('invalid_code')
    expect((await call('POST', '/api/v1/auth/mfa/email/confirm', { body: { code } })).status).toBe(401)
  })

  test('MFA verify is rate limited per account (wrong codes spread over many challenges)', async () => {
    const u = await totpUser()
    let last = 0
    // Four wrong codes per challenge never kill one, so only the per-account limit can stop this.
    for (let i = 0; i < 6 && last !== 429; i++) {
      const l = await login(u.email, PASSWORD)
      for (let j = 0; j < 4 && last !== 429; j++) last = (await verify(l.body.challenge_token, totpCode(u.secret) === '000001' ? '000002' : '000001')).status
    }
    expect(last).toBe(429)
  })
})

describe('TOTP MFA', () => {
  test('login → challenge (totp) → TOTP code → tokens; a code is not accepted twice', async () => {
    const u = await totpUser()
    const l = await login(u.email, PASSWORD)
    // The enrolment code itself may complete the first login (enrolment does not burn its step).
    expect(l.body.methods).toEqual(['totp'])
    const code = totpCode(u.secret)
    const v = await verify(l.body.challenge_token, code)
    expect(v.status).toBe(200)
    const l2 = await login(u.email, PASSWORD)
    const replay = await verify(l2.body.challenge_token, code)
    expect(replay.status).toBe(401)
    expect(replay.body.error.code).toBe('invalid_code')
  })

  test('a recovery code works once in place of a TOTP code', async () => {
    const u = await totpUser()
    const l = await login(u.email, PASSWORD)
    expect((await verify(l.body.challenge_token, u.recovery[0]!.toUpperCase())).status).toBe(200)
    const l2 = await login(u.email, PASSWORD)
    const reused = await verify(l2.body.challenge_token, u.recovery[0]!)
    expect(reused.status).toBe(401)
    expect(reused.body.error.code).toBe('invalid_code')
    expect((await verify(l2.body.challenge_token, u.recovery[1]!)).status).toBe(200)
  })

  test('setup errors: wrong password 401, already enabled 409; confirm: wrong code 401, no setup 409', async () => {
    const fresh = await register()
    const noSetup = await call('POST', '/api/v1/auth/mfa/totp/confirm', { token: fresh.tokens.access_token, body: { code: '123456' } })
    expect(noSetup.status).toBe(409)
    const badPw = await call('POST', '/api/v1/auth/mfa/totp/setup', { token: fresh.tokens.access_token, body: { password: 'wrong-wrong-1' } })
    expect(badPw.status).toBe(401)
    const s = await call('POST', '/api/v1/auth/mfa/totp/setup', { token: fresh.tokens.access_token, body: { password: PASSWORD } })
    const wrong = await call('POST', '/api/v1/auth/mfa/totp/confirm', { token: fresh.tokens.access_token, body: { code: '000000' === totpCode(s.body.secret) ? '111111' : '000000' } })
    expect(wrong.status).toBe(401)
    expect(wrong.body.error.code).toBe('invalid_code')
    const u = await totpUser()
    const again = await call('POST', '/api/v1/auth/mfa/totp/setup', { token: u.tokens.access_token, body: { password: PASSWORD } })
    expect(again.status).toBe(409)
  })

  test('both methods: the email code is sent and either code completes the challenge', async () => {
    const u = await totpUser()
    await call('POST', '/api/v1/auth/mfa/email/enable', { token: u.tokens.access_token, body: { password: PASSWORD } })
    const setupMail = await mailFor(u.email, 'mfa_code')
    await call('POST', '/api/v1/auth/mfa/email/confirm', { token: u.tokens.access_token, body: { code: codeIn(setupMail) } })
    advanceClock(EMAIL_CODE_INTERVAL_MS)
    const l = await login(u.email, PASSWORD)
    expect(l.body.methods).toEqual(['email', 'totp'])
    const code = codeIn(await mailFor(u.email, 'mfa_code', [setupMail]))
    expect((await verify(l.body.challenge_token, code)).status).toBe(200)
    const l2 = await login(u.email, PASSWORD)
    expect((await verify(l2.body.challenge_token, totpCode(u.secret))).status).toBe(200)
  })
})

describe('POST /auth/mfa/disable', () => {
  test('200 with password + TOTP code; login no longer asks for a code', async () => {
    const u = await totpUser()
    const wrongPw = await call('POST', '/api/v1/auth/mfa/disable', { token: u.tokens.access_token, body: { password: 'nope-nope-1', code: totpCode(u.secret) } })
    expect(wrongPw.status).toBe(401)
    const wrongCode = await call('POST', '/api/v1/auth/mfa/disable', { token: u.tokens.access_token, body: { password: PASSWORD, code: '12345' } })
    expect(wrongCode.status).toBe(401)
    expect(wrongCode.body.error.code).toBe('invalid_code')
    const r = await call('POST', '/api/v1/auth/mfa/disable', { token: u.tokens.access_token, body: { password: PASSWORD, code: totpCode(u.secret) } })
    expect(r.status).toBe(200)
    expect(r.body.user.mfa_enabled).toBe(false)
    const l = await login(u.email, PASSWORD)
    expect(l.body.tokens).toBeDefined()
  })

  test('email-only MFA is disabled with an emailed code (sent by /mfa/email/enable)', async () => {
    const u = await emailMfaUser()
    await call('POST', '/api/v1/auth/mfa/email/enable', { token: u.tokens.access_token, body: { password: PASSWORD } })
    const code = codeIn(await mailFor(u.email, 'mfa_code', u.seen))
    const r = await call('POST', '/api/v1/auth/mfa/disable', { token: u.tokens.access_token, body: { password: PASSWORD, code } })
    expect(r.status).toBe(200)
    expect(r.body.user.mfa_enabled).toBe(false)
  })
})
