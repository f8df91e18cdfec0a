import { describe, expect, test } from 'bun:test'
import { call, testAppWith } from '../helpers/app'
import { metricsTokenMatches } from '../../src/platform/health'

describe('/metrics token', () => {
  test('compared in constant time: equal-length digests through timingSafeEqual, any length accepted', () => {
    expect(metricsTokenMatches('scrape-secret', 'scrape-secret')).toBe(true)
    expect(metricsTokenMatches('scrape-secret', 'scrape-secreT')).toBe(false)
    // Different lengths must not throw (timingSafeEqual does on raw buffers of unequal length).
    expect(metricsTokenMatches('scrape-secret', 'x')).toBe(false)
    expect(metricsTokenMatches('scrape-secret', 'scrape-secret-and-more')).toBe(false)
    expect(metricsTokenMatches('scrape-secret', undefined)).toBe(false)
    expect(metricsTokenMatches('scrape-secret', '')).toBe(false)
  })

  test('a wrong token of any length → 401; the right one → 200', async () => {
    const { app } = await testAppWith({ METRICS_TOKEN: 'scrape-secret' })
    for (const wrong of ['x', 'scrape-secreT', 'scrape-secret-longer-than-the-token']) {
      const r = await call('GET', '/metrics', { token: wrong }, app)
      expect(r.status).toBe(401)
      expect(r.body.error.code).toBe('unauthorized')
    }
    expect((await call('GET', '/metrics', { token: 'scrape-secret' }, app)).status).toBe(200)
  })

  test('METRICS_PUBLIC=true in production: no token needed', async () => {
    const hex = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex')
    const { app } = await testAppWith({ NODE_ENV: 'production', JWT_SECRET: hex(), DATA_ENCRYPTION_KEY: hex(), PAYMENTS_ENABLED: 'false', METRICS_PUBLIC: 'true', METRICS_TOKEN: '' })
    const r = await call('GET', '/metrics', {}, app)
    expect(r.status).toBe(200)
    expect(r.text).toContain('http_requests_total')
  })
})
