import { describe, expect, test } from 'bun:test'
import { ConfigError, loadConfig } from '../../src/platform/config'

describe('config', () => {
  test('zero settings gives working local defaults', () => {
    const c = loadConfig({})
    expect(c.PORT).toBe(3000)
    expect(c.ACCESS_TOKEN_TTL).toBe(900)
    expect(c.REFRESH_TOKEN_TTL).toBe(2592000)
    expect(c.AI_PROVIDER).toBe('offline')
    expect(c.ORDER_TTL_MINUTES).toBe(30)
    expect(c.PUBLIC_URL).toBe('http://localhost:3000')
    expect(c.TRUST_PROXY).toBe(0)
    expect([c.LIMIT_LOGIN_FAILURES_PER_ACCOUNT_IP, c.LIMIT_LOGIN_FAILURES_PER_ACCOUNT, c.LIMIT_OAUTH_STARTS_PER_MIN, c.LIMIT_MFA_EMAILS_PER_HOUR]).toEqual([10, 50, 30, 5])
  })

  test('strings are converted and lists split', () => {
    const c = loadConfig({ PORT: '8080', TRUST_PROXY: '2', CORS_ORIGINS: 'https://a.test, https://b.test', ADMIN_EMAILS: 'Boss@Example.com', OPENAI_API_KEY: 'k' })
    expect(c.PORT).toBe(8080)
    expect(c.TRUST_PROXY).toBe(2)
    expect(c.corsOrigins).toEqual(['https://a.test', 'https://b.test'])
    expect(c.adminEmails).toEqual(['boss@example.com'])
    expect(c.AI_PROVIDER).toBe('openai')
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(1)
  })

  test('every bad variable is named in one error', () => {
    expect(() => loadConfig({ PORT: 'x', REDIS_URL: 'http://nope', LOG_LEVEL: 'loud' })).toThrow(ConfigError)
    try {
      loadConfig({ PORT: 'x', REDIS_URL: 'http://nope', LOG_LEVEL: 'loud' })
    } catch (err) {
      const msg = (err as Error).message
      for (const name of ['PORT', 'REDIS_URL', 'LOG_LEVEL']) expect(msg).toContain(name)
      expect(msg).not.toContain('\n')
    }
  })

  test('production needs a 32-byte JWT_SECRET and PUBLIC_URL', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET.*PUBLIC_URL/)
    const ok = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), PUBLIC_URL: 'https://lyceum.example/', PAYMENTS_ENABLED: 'false', METRICS_PUBLIC: 'true', DATA_ENCRYPTION_KEY: 'ab'.repeat(32) })
    expect(ok.PUBLIC_URL).toBe('https://lyceum.example')
  })

  test('DATA_ENCRYPTION_KEY: 32 bytes as hex or base64, required in production', () => {
    expect(() => loadConfig({ DATA_ENCRYPTION_KEY: 'too-short' })).toThrow(/DATA_ENCRYPTION_KEY/)
    expect(loadConfig({ DATA_ENCRYPTION_KEY: 'ab'.repeat(32) }).DATA_ENCRYPTION_KEY).toBe('ab'.repeat(32))
    const prod = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), PUBLIC_URL: 'https://lyceum.example' }
    expect(() => loadConfig(prod)).toThrow(/DATA_ENCRYPTION_KEY/)
    expect(() => loadConfig({ ...prod, DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') })).not.toThrow(/DATA_ENCRYPTION_KEY/)
  })

  test('s3 storage needs its credentials', () => {
    expect(() => loadConfig({ STORAGE_DRIVER: 's3' })).toThrow(/S3_BUCKET.*S3_ACCESS_KEY_ID.*S3_SECRET_ACCESS_KEY/)
  })
})

test('.env.example lists every setting', async () => {
  const { ConfigSchema } = await import('../../src/platform/config')
  const example = await Bun.file(new URL('../../.env.example', import.meta.url)).text()
  const listed = new Set([...example.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]))
  expect(Object.keys(ConfigSchema.properties).filter((k) => !listed.has(k))).toEqual([])
})
