import { afterEach, describe, expect, test } from 'bun:test'
import { call } from '../helpers/app'
import { uniqueEmail } from '../helpers/factories'
import { advanceClock, resetClock } from '../../src/accounts/clock'
import { PASSWORD, login, mailFor, mailsTo, register, tokenIn } from './helpers'

afterEach(resetClock)

const NEW_PASSWORD = 'lantern-quartz-meadow-77'
const forgot = (email: string) => call('POST', '/api/v1/auth/password/forgot', { body: { email } })
const reset = (token: string, password = NEW_PASSWORD) => call('POST', '/api/v1/auth/password/reset', { body: { token, password } })

describe('POST /auth/password/forgot', () => {
  test('202 with the same body for known and unknown emails; only the account gets a reset email', async () => {
    const { email } = await register()
    const ghost = uniqueEmail('ghost')
    const known = await forgot(email.toUpperCase())
    const unknown = await forgot(ghost)
    expect(known.status).toBe(202)
    expect(unknown.status).toBe(202)
    expect(known.body).toEqual(unknown.body)
    const mail = await mailFor(email, 'password_reset')
    expect(mail.text).toContain('1 hour')
    expect(mailsTo(ghost, 'password_reset')).toHaveLength(0)
  })

  test('per-account limit → 429', async () => {
    const { email } = await register()
    let r = await forgot(email)
    for (let i = 0; i < 8 && r.status !== 429; i++) r = await forgot(email)
    expect(r.status).toBe(429)
    expect(r.headers.get('retry-after')).toBeTruthy()
  })

  test('422 for a malformed email', async () => {
    expect((await forgot('nope')).status).toBe(422)
  })
})

describe('POST /auth/password/reset', () => {
  test('204; the new password works, every earlier token fails, the token is single-use', async () => {
    const { email, tokens } = await register()
    const other = await login(email, PASSWORD)
    await forgot(email)
    const token = tokenIn(await mailFor(email, 'password_reset'))
    const r = await reset(token)
    expect(r.status).toBe(204)
    for (const t of [tokens, other.body.tokens]) {
      const m = await call('GET', '/api/v1/me', { token: t.access_token })
      expect(m.status).toBe(401)
      expect(m.body.error.code).toBe('token_revoked')
      expect((await call('POST', '/api/v1/auth/refresh', { body: { refresh_token: t.refresh_token } })).status).toBe(401)
    }
    expect((await login(email, PASSWORD)).status).toBe(401)
    expect((await login(email, NEW_PASSWORD)).status).toBe(200)
    const again = await reset(token, 'another-fine-password-9')
    expect(again.status).toBe(400)
    expect(again.body.error.code).toBe('invalid_token')
  })

  test('400 invalid_token after 1 h and for unknown tokens', async () => {
    const { email } = await register()
    await forgot(email)
    const token = tokenIn(await mailFor(email, 'password_reset'))
    advanceClock(3600 * 1000 + 1000)
    const late = await reset(token)
    expect(late.status).toBe(400)
    expect(late.body.error.code).toBe('invalid_token')
    expect((await reset('made-up')).body.error.code).toBe('invalid_token')
  })

  test('422 for a common or short password (the token stays usable)', async () => {
    const { email } = await register()
    await forgot(email)
    const token = tokenIn(await mailFor(email, 'password_reset'))
    for (const pw of ['iloveyou', 'short']) {
      const r = await reset(token, pw)
      expect(r.status).toBe(422)
      expect(r.body.error.code).toBe('validation_failed')
    }
    expect((await reset(token)).status).toBe(204)
  })
})

describe('POST /auth/password/change', () => {
  const change = (token: string | undefined, current_password: string, password: string) =>
    call('POST', '/api/v1/auth/password/change', { token, body: { current_password, password } })

  test('204; other sessions are signed out, this one stays', async () => {
    const { email, tokens } = await register()
    const other = await login(email, PASSWORD)
    expect((await change(tokens.access_token, PASSWORD, NEW_PASSWORD)).status).toBe(204)
    expect((await call('GET', '/api/v1/me', { token: tokens.access_token })).status).toBe(200)
    expect((await call('GET', '/api/v1/me', { token: other.body.tokens.access_token })).status).toBe(401)
    expect((await login(email, NEW_PASSWORD)).status).toBe(200)
  })

  test('401 invalid_credentials for a wrong current password; 422 for a weak one; 401 without a token', async () => {
    const { tokens } = await register()
    const wrong = await change(tokens.access_token, 'not-my-password-1', NEW_PASSWORD)
    expect(wrong.status).toBe(401)
    expect(wrong.body.error.code).toBe('invalid_credentials')
    const weak = await change(tokens.access_token, PASSWORD, 'password1')
    expect(weak.status).toBe(422)
    expect((await change(undefined, PASSWORD, NEW_PASSWORD)).status).toBe(401)
  })
})
