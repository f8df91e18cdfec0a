/**
 * Start-up with a dependency down (SPEC §13): the real entry points wait for Postgres and Redis
 * with backoff, logging each try, come up once the dependency appears, and exit non-zero after
 * STARTUP_TIMEOUT_S. The worker's health endpoint answers readiness 503 while it waits.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { freePort, waitFor } from '../helpers/app'
import { stallableProxy } from '../helpers/proxy'

const procs: ReturnType<typeof Bun.spawn>[] = []
const closers: (() => void)[] = []
afterAll(() => {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL')
  for (const c of closers) c()
})

/** Collects a process's stdout+stderr lines as they come. */
function spawn(cmd: string[], env: Record<string, string>) {
  const proc = Bun.spawn(cmd, { env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdout: 'pipe', stderr: 'pipe' })
  procs.push(proc)
  const out = { text: '' }
  for (const stream of [proc.stdout, proc.stderr]) {
    void (async () => {
      for await (const chunk of stream as ReadableStream<Uint8Array>) out.text += new TextDecoder().decode(chunk)
    })()
  }
  return { proc, out }
}

const closedPort = () => freePort() // nothing listens there until a proxy is opened on purpose

describe('start-up waits for its dependencies', () => {
  test('API: waits while Postgres is unreachable (each try logged), serves once it appears', async () => {
    const pgPort = Number(new URL(process.env.DATABASE_URL!).port || 5432)
    const proxy = await stallableProxy({ port: pgPort })
    proxy.stall() // connections accepted, nothing answered: Postgres "unreachable"
    closers.push(() => proxy.close())
    const url = new URL(process.env.DATABASE_URL!)
    url.port = String(proxy.port)
    const port = freePort()
    const { proc, out } = spawn(['bun', 'src/index.ts'], { DATABASE_URL: url.toString(), PORT: String(port), STARTUP_TIMEOUT_S: '60', DATABASE_CONNECT_TIMEOUT_MS: '300' })
    await waitFor(() => (out.text.match(/"waiting for dependencies"/g)?.length ?? 0) >= 2, { timeoutMs: 15000, what: 'two logged tries' })
    expect(out.text).toContain('"postgres":"down')
    expect(proc.exitCode).toBeNull()
    // Not listening while it waits.
    expect(await fetch(`http://127.0.0.1:${port}/health/live`).then((r) => r.status, () => 'refused')).toBe('refused')
    proxy.resume()
    const ready = await waitFor(() => fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => (r.ok ? (r.json() as Promise<any>) : null), () => null), { timeoutMs: 20000, what: "API ready" })
    expect(ready.status).toBe('ok')
    expect(out.text).toContain('"dependencies reachable"')
    proc.kill('SIGTERM')
    expect(await proc.exited).toBe(0)
  }, 40_000)

  test('API and worker exit non-zero after STARTUP_TIMEOUT_S with Redis unreachable', async () => {
    const env = { REDIS_URL: `redis://127.0.0.1:${closedPort()}`, STARTUP_TIMEOUT_S: '2', PORT: String(freePort()) }
    const api = spawn(['bun', 'src/index.ts'], env)
    const worker = spawn(['bun', 'workers/index.ts'], env)
    const started = performance.now()
    expect(await api.proc.exited).not.toBe(0)
    expect(await worker.proc.exited).not.toBe(0)
    // Well before the 60 s default (process start-up alone takes seconds on a loaded machine).
    expect(performance.now() - started).toBeLessThan(30000)
    for (const p of [api, worker]) {
      expect(p.out.text).toContain('"waiting for dependencies"')
      expect(p.out.text).toContain('STARTUP_TIMEOUT_S=2')
      expect(p.out.text).toContain('redis down')
    }
  }, 45_000)

  test('worker: readiness 503 while Redis is unreachable, 200 once it appears; liveness 200 throughout', async () => {
    const proxy = await stallableProxy({ port: Number(new URL(process.env.REDIS_URL!).port || 6379) })
    proxy.stall()
    closers.push(() => proxy.close())
    const health = freePort()
    const { proc, out } = spawn(['bun', 'workers/index.ts'], { REDIS_URL: `redis://127.0.0.1:${proxy.port}`, REDIS_PREFIX: `${process.env.REDIS_PREFIX}-startup`, WORKER_HEALTH_PORT: String(health), STARTUP_TIMEOUT_S: '60', DATABASE_CONNECT_TIMEOUT_MS: '300' })
    const waiting = await waitFor(() => fetch(`http://127.0.0.1:${health}/health/ready`).then(async (r) => (r.status === 503 ? (r.json() as Promise<any>) : null), () => null), { timeoutMs: 15000, what: 'worker readiness 503' })
    await waitFor(() => out.text.includes('"waiting for dependencies"'), { what: 'a logged try' })
    expect(waiting.status).toBe('unavailable')
    expect(waiting.checks.redis.status).toBe('down')
    expect((await fetch(`http://127.0.0.1:${health}/health/live`)).status).toBe(200)
    proxy.resume()
    const ready = await waitFor(() => fetch(`http://127.0.0.1:${health}/health/ready`).then((r) => (r.ok ? r.json() : null), () => null), { timeoutMs: 20000, what: 'worker ready' })
    expect(ready).toMatchObject({ status: 'ok', checks: { postgres: { status: 'ok' }, redis: { status: 'ok' } } })
    await waitFor(() => out.text.includes('"worker started"'), { what: 'worker started' })
    proc.kill('SIGTERM')
    expect(await proc.exited).toBe(0)
  }, 40_000)
})
