import { describe, expect, test } from 'bun:test'
import { clientIp } from '../../src/platform/http/request-id'
import { call, freePort, testAppWith, waitFor } from '../helpers/app'

const req = (xff?: string) => new Request('http://localhost/', { headers: xff ? { 'x-forwarded-for': xff } : {} })

describe('client IP and TRUST_PROXY', () => {
  test('without trusted proxies X-Forwarded-For is ignored', () => {
    expect(clientIp(req('1.1.1.1'), '10.0.0.5', 0)).toBe('10.0.0.5')
  })
  test('with N hops, the entry N from the right is the client', () => {
    expect(clientIp(req('6.6.6.6, 1.1.1.1, 10.0.0.2'), '10.0.0.9', 1)).toBe('10.0.0.2')
    expect(clientIp(req('6.6.6.6, 1.1.1.1, 10.0.0.2'), '10.0.0.9', 2)).toBe('1.1.1.1')
    // A spoofed list shorter than the hop count falls back to the socket address.
    expect(clientIp(req('1.1.1.1'), '10.0.0.9', 3)).toBe('10.0.0.9')
  })
})

describe('CORS', () => {
  test('allowed origins get CORS headers, others do not', async () => {
    const { app } = await testAppWith({ CORS_ORIGINS: 'https://app.lyceum.test' })
    const ok = await call('OPTIONS', '/api/v1/ws/ticket', { headers: { origin: 'https://app.lyceum.test', 'access-control-request-method': 'POST' } }, app)
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.lyceum.test')
    const other = await call('OPTIONS', '/api/v1/ws/ticket', { headers: { origin: 'https://evil.test', 'access-control-request-method': 'POST' } }, app)
    expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.test')
  })
})

describe('logs', () => {
  test('a request writes one JSON line with its request id and route, without the query string', async () => {
    const port = freePort()
    const proc = Bun.spawn(['bun', 'src/index.ts'], { env: { ...process.env, PORT: String(port), LOG_LEVEL: 'info' }, stdout: 'pipe', stderr: 'inherit' })
    try {
      await waitFor(() => fetch(`http://127.0.0.1:${port}/health/live`).then((r) => r.ok).catch(() => false), { timeoutMs: 15000, what: 'api up' })
      await fetch(`http://127.0.0.1:${port}/api/v1/ws?token=SECRET-IN-QUERY`, { headers: { 'x-request-id': 'log-test-1', upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' } })
      proc.kill('SIGTERM')
      await proc.exited
      const lines = (await new Response(proc.stdout).text()).trim().split('\n').map((l) => JSON.parse(l))
      const line = lines.find((l) => l.request_id === 'log-test-1')
      expect(line).toMatchObject({ level: 'info', msg: 'request', method: 'GET', status: 401 })
      expect(JSON.stringify(lines)).not.toContain('SECRET-IN-QUERY')
    } finally {
      proc.kill()
    }
  })
})
