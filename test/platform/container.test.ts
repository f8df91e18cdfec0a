/**
 * The image the Dockerfile builds, without a Docker engine (this VM has none): the files its
 * stages COPY are assembled in a folder, the deps stage's production install is run there, and
 * the API and the worker are started from that folder with production settings, as the
 * containers of docker-compose.yml start them. A runtime import of a dev dependency or of a file
 * the image does not copy fails here.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from 'redis'
import { deleteKeyspace } from '../../src/platform/redis'
import { freePort, readUntil, waitFor } from '../helpers/app'

type Stage = { name: string; copies: string[][]; run: string[]; cmd?: string[]; healthcheck?: string[] }

/** The stages of the Dockerfile with their COPY sources (not --from), RUN lines and CMD. */
function stages(dockerfile: string): Stage[] {
  const out: Stage[] = []
  for (const raw of dockerfile.split('\n')) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const [op, ...rest] = line.split(/\s+/)
    const cur = out.at(-1)
    if (op === 'FROM') out.push({ name: rest[2] ?? rest[0]!, copies: [], run: [] })
    else if (op === 'COPY' && cur && !rest[0]!.startsWith('--from')) cur.copies.push(rest.slice(0, -1))
    else if (op === 'RUN' && cur) cur.run.push(rest.join(' '))
    else if (op === 'CMD' && cur) cur.cmd = JSON.parse(rest.join(' '))
    else if (op === 'HEALTHCHECK' && cur) cur.healthcheck = JSON.parse(line.slice(line.indexOf(' CMD ') + 5))
  }
  return out
}

const root = join(import.meta.dir, '..', '..')
const dir = mkdtempSync(join(tmpdir(), 'lyceum-image-'))
const prefix = `${process.env.REDIS_PREFIX}-image`
const procs: ReturnType<typeof Bun.spawn>[] = []
afterAll(async () => {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
  const redis = createClient({ url: process.env.REDIS_URL })
  await redis.connect()
  await deleteKeyspace(redis, prefix)
  await redis.quit()
})

const randomHex = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex')
const secrets = { JWT_SECRET: randomHex(), DATA_ENCRYPTION_KEY: randomHex(), METRICS_TOKEN: randomHex(), STRIPE_SECRET_KEY: `sk_test_${randomHex()}`, STRIPE_WEBHOOK_SECRET: `whsec_${randomHex()}` }
const env = () => ({
  PATH: process.env.PATH!,
  HOME: process.env.HOME ?? dir,
  NODE_ENV: 'production',
  DATABASE_URL: process.env.DATABASE_URL!,
  DATABASE_POOL_MAX: '3',
  REDIS_URL: process.env.REDIS_URL!,
  REDIS_PREFIX: prefix,
  // Production refuses repository-known secrets: fresh ones per run (SPEC §12).
  ...secrets,
  PUBLIC_URL: 'http://localhost:8080',
  TRUST_PROXY: '1',
  SMTP_URL: process.env.SMTP_URL!,
  STORAGE_DIR: join(dir, 'storage'),
  AI_PROVIDER: 'offline',
  LOG_LEVEL: 'info',
})

describe('container image (Dockerfile file set, production install)', () => {
  test('the API and the worker start from exactly what the image copies', async () => {
    const all = stages(readFileSync(join(root, 'Dockerfile'), 'utf8'))
    const deps = all.find((s) => s.run.some((r) => r.includes('bun install')))!
    const runtime = all.at(-1)!
    expect(deps.run.join(' ')).toContain('--frozen-lockfile --production')
    expect(runtime.cmd).toEqual(['bun', 'run', 'start'])

    for (const sources of deps.copies) for (const s of sources) cpSync(join(root, s), join(dir, s), { recursive: true })
    const install = Bun.spawnSync(['bun', 'install', '--frozen-lockfile', '--production'], { cwd: dir, env: env(), stdout: 'pipe', stderr: 'pipe' })
    expect(install.exitCode, install.stderr.toString()).toBe(0)
    for (const sources of runtime.copies) for (const s of sources) cpSync(join(root, s), join(dir, s), { recursive: true })

    const port = freePort()
    const api = Bun.spawn(runtime.cmd!, { cwd: dir, env: { ...env(), PORT: String(port) }, stdout: 'ignore', stderr: 'inherit' })
    procs.push(api)
    const ready = await waitFor(() => {
      if (api.exitCode !== null) throw new Error(`the API exited with ${api.exitCode}`)
      return fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => (r.ok ? r.json() : null), () => null)
    }, { timeoutMs: 30000, what: 'API from the image ready' })
    expect(ready).toMatchObject({ status: 'ok' })
    const docs = await fetch(`http://127.0.0.1:${port}/swagger`).then((r) => r.text())
    for (const asset of docs.match(/\/swagger\/assets\/[^"']+/g) ?? []) expect((await fetch(`http://127.0.0.1:${port}${asset}`)).status).toBe(200)

    // The image's HEALTHCHECK (one command for both roles) passes for the API container.
    expect(runtime.healthcheck).toBeDefined()
    const check = (extra: Record<string, string>) => Bun.spawnSync(runtime.healthcheck!, { cwd: dir, env: { ...env(), ...extra } }).exitCode
    expect(check({ PORT: String(port), WORKER_HEALTH_PORT: String(freePort()) })).toBe(0)

    const workerHealth = freePort()
    const workerEnv = { ...env(), WORKER_HEALTH_PORT: String(workerHealth) }
    // Before the worker runs, the check fails (nothing answers on either port).
    expect(check({ PORT: String(freePort()), WORKER_HEALTH_PORT: String(workerHealth) })).toBe(1)
    const worker = Bun.spawn(['bun', 'run', 'worker'], { cwd: dir, env: workerEnv, stdout: 'pipe', stderr: 'inherit' })
    procs.push(worker)
    const out = await readUntil(worker.stdout, '"worker started"', { timeoutMs: 30000, what: 'worker from the image started' })
    expect(out).toContain('"worker started"')
    // The worker serves its own health endpoints, and the same HEALTHCHECK passes for it
    // (its container has no API port: PORT points at nothing).
    const workerReady = await fetch(`http://127.0.0.1:${workerHealth}/health/ready`)
    expect(workerReady.status).toBe(200)
    expect(await workerReady.json()).toMatchObject({ status: 'ok', checks: { postgres: { status: 'ok' }, redis: { status: 'ok' } } })
    expect((await fetch(`http://127.0.0.1:${workerHealth}/health/live`)).status).toBe(200)
    expect(check({ PORT: String(freePort()), WORKER_HEALTH_PORT: String(workerHealth) })).toBe(0)

    // Both stop cleanly on SIGTERM, as `docker stop` asks.
    api.kill('SIGTERM')
    worker.kill('SIGTERM')
    expect(await api.exited).toBe(0)
    expect(await worker.exited).toBe(0)
  }, 90_000)
})
