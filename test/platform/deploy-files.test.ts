/**
 * docker-compose.yml and docker/nginx.conf keep the promises of SPEC §13 (no Docker engine in
 * CI, so the files are inspected): restart policies, a stop grace period above the drain,
 * persistent Redis, health checks per role, no secret values, and a load balancer that
 * re-resolves replicas, forwards X-Forwarded-Proto, keeps long timeouts to the WebSocket and the
 * SSE route, and logs no query strings.
 */
import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig } from '../../src/platform/config'

const root = join(import.meta.dir, '..', '..')
const composeText = readFileSync(join(root, 'docker-compose.yml'), 'utf8')
type Service = { restart?: string; stop_grace_period?: string; command?: string[]; volumes?: string[]; environment?: Record<string, string>; healthcheck?: { test: string[] } }
const compose = Bun.YAML.parse(composeText) as { services: Record<string, Service>; volumes: Record<string, unknown> }
const nginx = readFileSync(join(root, 'docker/nginx.conf'), 'utf8').replace(/#.*$/gm, '')
const defaults = loadConfig({})

const seconds = (d: string) => {
  const m = /^(\d+)(ms|s|m)$/.exec(d)
  if (!m) throw new Error(`unreadable duration ${d}`)
  return Number(m[1]) * ({ ms: 0.001, s: 1, m: 60 } as const)[m[2] as 'ms' | 's' | 'm']
}
const appServices = Object.entries(compose.services).filter(([, s]) => s.environment?.DATABASE_URL)

describe('docker-compose.yml', () => {
  test('every service restarts on its own; app services get a stop grace period above the drain', () => {
    for (const [name, s] of Object.entries(compose.services)) expect([name, s.restart]).toEqual([name, 'unless-stopped'])
    expect(appServices.map(([n]) => n).sort()).toEqual(['api1', 'api2', 'worker'])
    for (const [, s] of appServices) {
      const drainMs = Number(s.environment?.SHUTDOWN_TIMEOUT_MS ?? defaults.SHUTDOWN_TIMEOUT_MS)
      expect(seconds(s.stop_grace_period ?? '10s') * 1000).toBeGreaterThan(drainMs)
    }
  })

  test('Redis keeps an append-only file on a named volume', () => {
    const redis = compose.services.redis!
    const cmd = redis.command!.join(' ')
    expect(cmd).toContain('--appendonly yes')
    const dir = /--dir (\S+)/.exec(cmd)?.[1] ?? '/data'
    const mount = redis.volumes?.map((v) => v.split(':')).find(([, target]) => target === dir)
    expect(mount).toBeDefined()
    expect(Object.keys(compose.volumes)).toContain(mount![0]!)
  })

  test('API replicas and the worker each have a health check on their own port', () => {
    for (const name of ['api1', 'api2']) expect(compose.services[name]!.healthcheck!.test.join(' ')).toContain(String(defaults.PORT))
    const worker = compose.services.worker!
    const port = worker.environment?.WORKER_HEALTH_PORT ?? String(defaults.WORKER_HEALTH_PORT)
    expect(Number(port)).toBeGreaterThan(0)
    expect(worker.healthcheck!.test.join(' ')).toContain(`/health/live ${port}`)
  })

  test('no secret values: every secret is required from the environment with a hint', () => {
    const required = (name: string, value: string | undefined) => expect(value ?? '').toMatch(new RegExp(`^\\$\\{${name}:\\?[^}]+\\}$`))
    for (const [, s] of appServices) {
      for (const name of ['JWT_SECRET', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'DATA_ENCRYPTION_KEY', 'METRICS_TOKEN']) required(name, s.environment?.[name])
      expect(s.environment!.DATABASE_URL).toMatch(/^postgres:\/\/lyceum:\$\{POSTGRES_PASSWORD:\?[^}]+\}@/)
    }
    required('POSTGRES_PASSWORD', compose.services.postgres!.environment?.POSTGRES_PASSWORD)
    // Nowhere a default for a secret (`${X:-value}`) or a literal one.
    expect(composeText).not.toMatch(/\$\{(JWT_SECRET|STRIPE_SECRET_KEY|STRIPE_WEBHOOK_SECRET|DATA_ENCRYPTION_KEY|METRICS_TOKEN|POSTGRES_PASSWORD)(:?-)/)
    expect(composeText).not.toMatch(/(sk_(test|live)_|whsec_)[A-Za-z0-9]/)
  })
})

describe('docker/nginx.conf', () => {
  const locations = [...nginx.matchAll(/location\s+(?:=\s*)?(\S+)\s*\{([^}]*)\}/g)].map((m) => ({ path: m[1]!, body: m[2]! }))
  const serverLevel = nginx.replace(/location\s+(?:=\s*)?\S+\s*\{[^}]*\}/g, '')
  const directive = (text: string, name: string) => [...text.matchAll(new RegExp(`^\\s*${name}\\s+([^;]+);`, 'gm'))].map((m) => m[1]!.trim())

  test('replicas are re-resolved: Docker DNS resolver with a validity, variables in proxy_pass, no static upstream', () => {
    expect(directive(nginx, 'resolver')[0]).toMatch(/^127\.0\.0\.11\b.*\bvalid=\d+s/)
    expect(nginx).not.toMatch(/^\s*upstream\s/m)
    const passes = locations.flatMap((l) => directive(l.body, 'proxy_pass'))
    expect(passes.length).toBe(locations.length)
    for (const p of passes) expect(p).toMatch(/^\$\w+$/)
  })

  test('X-Forwarded-Proto reaches the API from every location', () => {
    expect(directive(serverLevel, 'proxy_set_header')).toContain('X-Forwarded-Proto $scheme')
    // A location with any proxy_set_header of its own inherits none of the server's.
    for (const l of locations) {
      const own = directive(l.body, 'proxy_set_header')
      if (own.length) expect([l.path, own]).toEqual([l.path, expect.arrayContaining(['X-Forwarded-Proto $scheme', 'X-Forwarded-For $proxy_add_x_forwarded_for', 'Host $host'])])
    }
  })

  test('long timeouts only for the WebSocket and the SSE route; short ones elsewhere', () => {
    const readTimeout = (text: string) => directive(text, 'proxy_read_timeout').map(seconds)[0]
    const server = readTimeout(serverLevel)!
    expect(server).toBeLessThanOrEqual(60)
    const long = locations.filter((l) => (readTimeout(l.body) ?? server) > 60).map((l) => l.path).sort()
    expect(long).toEqual(['/api/v1/ai/chat', '/api/v1/ws'])
    const ws = locations.find((l) => l.path === '/api/v1/ws')!
    expect(directive(ws.body, 'proxy_set_header')).toContain('Upgrade $http_upgrade')
    expect(directive(locations.find((l) => l.path === '/api/v1/ai/chat')!.body, 'proxy_buffering')).toEqual(['off'])
  })

  test('the access log records no query strings', () => {
    const formats = [...nginx.matchAll(/log_format\s+(\w+)\s+([^;]+);/g)]
    expect(formats.length).toBeGreaterThan(0)
    for (const [, , fmt] of formats) expect(fmt).not.toMatch(/\$(request_uri|request|args|query_string|arg_\w+)\b/)
    const logs = directive(nginx, 'access_log')
    expect(logs.length).toBeGreaterThan(0)
    for (const l of logs) expect(formats.map((f) => f[1])).toContain(l.split(/\s+/)[1]!)
  })
})
