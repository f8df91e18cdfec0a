import { describe, expect, test } from 'bun:test'
import { call, testAppWith } from '../helpers/app'
import { limits } from '../../src/accounts/limits'
import { randomIp } from './helpers'

/** Sends `n` requests from one fake client IP (TRUST_PROXY=1) and returns the last response. */
async function flood(path: string, body: () => unknown, n: number) {
  const { app } = await testAppWith({ TRUST_PROXY: '1' })
  const ip = randomIp()
  const send = () => call('POST', path, { body: body(), headers: { 'x-forwarded-for': ip } }, app)
  for (let sent = 0; sent < n - 1; sent += 50) await Promise.all(Array.from({ length: Math.min(50, n - 1 - sent) }, send))
  const last = await send()
  const elsewhere = await call('POST', path, { body: body(), headers: { 'x-forwarded-for': randomIp() } }, app)
  return { last, elsewhere }
}

describe('per-IP rate limits', () => {
  test('forgot password', async () => {
    let i = 0
    const { last, elsewhere } = await flood('/api/v1/auth/password/forgot', () => ({ email: `nobody-${i++}@example.test` }), limits.forgotIp.limit + 1)
    expect(last.status).toBe(429)
    expect(last.body.error.code).toBe('rate_limited')
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(elsewhere.status).toBe(202)
  })

  test('MFA verify (counted before the challenge token is even checked)', async () => {
    const { last, elsewhere } = await flood('/api/v1/auth/mfa/verify', () => ({ challenge_token: 'garbage', code: '123456' }), limits.mfaIp.limit + 1)
    expect(last.status).toBe(429)
    expect(elsewhere.status).toBe(401)
  })

  test('refresh', async () => {
    const { last, elsewhere } = await flood('/api/v1/auth/refresh', () => ({ refresh_token: 'not-a-token' }), limits.refreshIp.limit + 1)
    expect(last.status).toBe(429)
    expect(elsewhere.status).toBe(401)
  })
})
