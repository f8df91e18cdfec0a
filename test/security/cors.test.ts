import { describe, expect, test } from 'bun:test'
import { call, testAppWith } from '../helpers/app'

const preflight = (origin: string) => ({ headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } })

describe('CORS credentials', () => {
  test('CORS_ORIGINS=* never allows credentials (preflight and actual request)', async () => {
    const { app } = await testAppWith({ CORS_ORIGINS: '*' })
    const pre = await call('OPTIONS', '/api/v1/ws/ticket', preflight('https://evil.test'), app)
    expect(pre.headers.get('access-control-allow-credentials')).not.toBe('true')
    // A wildcard never reflects the caller's origin (which, with credentials, would be the same as trusting everyone).
    expect(pre.headers.get('access-control-allow-origin')).toBe('*')
    const get = await call('GET', '/health/live', { headers: { origin: 'https://evil.test' } }, app)
    expect(get.headers.get('access-control-allow-credentials')).not.toBe('true')
    expect(get.headers.get('access-control-allow-origin')).toBe('*')
  })

  test('a listed origin still gets credentials', async () => {
    const { app } = await testAppWith({ CORS_ORIGINS: 'https://app.lyceum.test' })
    const pre = await call('OPTIONS', '/api/v1/ws/ticket', preflight('https://app.lyceum.test'), app)
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.lyceum.test')
    expect(pre.headers.get('access-control-allow-credentials')).toBe('true')
  })
})
