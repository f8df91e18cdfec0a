import postgres from 'postgres'
import { readFileSync } from 'node:fs'
import { createClient } from 'redis'
import { closeRedis, connectRedis, deleteKeyspace } from '../src/platform/redis'
import { migrate } from '../src/platform/migrate'

/**
 * A small closed-loop HTTP load generator for the bench scripts: `connections` concurrent
 * loops over keep-alive fetch for `seconds`, reporting requests/s and latency percentiles.
 */
export type LoadResult = { requests: number; errors: number; rps: number; p50: number; p99: number }

/** Runs `fn` in `connections` concurrent closed loops for `seconds`; a throw counts as an error. */
export async function loadFn(fn: () => Promise<unknown>, opts: { connections?: number; seconds?: number } = {}): Promise<LoadResult> {
  const until = performance.now() + (opts.seconds ?? 5) * 1000
  const latencies: number[] = []
  let errors = 0
  const loop = async () => {
    while (performance.now() < until) {
      const t0 = performance.now()
      try {
        await fn()
      } catch {
        errors++
      }
      latencies.push(performance.now() - t0)
    }
  }
  const start = performance.now()
  await Promise.all(Array.from({ length: opts.connections ?? 64 }, loop))
  const elapsed = (performance.now() - start) / 1000
  latencies.sort((a, b) => a - b)
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0
  return { requests: latencies.length, errors, rps: latencies.length / elapsed, p50: pct(50), p99: pct(99) }
}

/** Closed-loop keep-alive GETs of `url`; an unexpected status counts as an error. */
export function load(opts: { url: string; headers?: Record<string, string>; connections?: number; seconds?: number; expect?: number }): Promise<LoadResult> {
  return loadFn(async () => {
    const r = await fetch(opts.url, { headers: opts.headers })
    await r.arrayBuffer()
    if (r.status !== (opts.expect ?? 200)) throw new Error(`status ${r.status}`)
  }, opts)
}

export const fmt = (r: LoadResult) => `${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50.toFixed(2).padStart(6)} ms  p99 ${r.p99.toFixed(2).padStart(6)} ms  errors ${r.errors}`

export function freePort(): number {
  const s = Bun.serve({ port: 0, fetch: () => new Response() })
  const p = s.port!
  s.stop(true)
  return p
}

export async function waitUp(url: string, ms = 20000) {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await fetch(url).then((r) => r.ok, () => false)) return
    await Bun.sleep(100)
  }
  throw new Error(`${url} did not come up`)
}

/**
 * Both servers of a comparison run as production processes (`NODE_ENV=production`, which is also
 * what makes Bun.serve and Elysia leave development mode), the way docker-compose.yml runs the API.
 */
const randomHex = (bytes: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex')
// Production refuses secrets that appear in the repository: fresh ones per bench run.
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: randomHex(32),
  DATA_ENCRYPTION_KEY: randomHex(32),
  METRICS_TOKEN: randomHex(32),
  PAYMENTS_ENABLED: 'false',
  PUBLIC_URL: 'http://localhost:3000',
}

/** Runs `cmd` as a production server process on a free port and waits until `readyPath` answers. */
async function productionServer(cmd: (port: number) => string[], env: Record<string, string> = {}, readyPath = '/') {
  const port = freePort()
  const proc = Bun.spawn(cmd(port), { env: { ...process.env, NODE_ENV: PRODUCTION.NODE_ENV, PORT: String(port), ...env }, stdout: 'ignore', stderr: 'inherit' })
  await waitUp(`http://127.0.0.1:${port}${readyPath}`)
  return { url: `http://127.0.0.1:${port}`, pid: proc.pid, stop: async () => { proc.kill(); await proc.exited } }
}

/** Starts a bare Bun.serve in its own process answering every request with `body`. */
export function bareServer(body: string, contentType = 'application/json') {
  return productionServer((port) => ['bun', '-e', `Bun.serve({ port: ${port}, hostname: '127.0.0.1', fetch: () => new Response(${JSON.stringify(body)}, { headers: { 'content-type': ${JSON.stringify(contentType)} } }) })`])
}

/** Starts bench/elysia-floor.ts (a minimal Elysia app with SPEC's request id and security headers) answering `path` with `body`. */
export function elysiaFloorServer(path: string, body: string) {
  return productionServer(() => ['bun', `${import.meta.dir}/elysia-floor.ts`], { BENCH_PATH: path, BENCH_BODY: body }, path)
}

/** Deletes every key under `prefix:` (what a bench's API and its queues left in Redis). */
export async function dropRedisPrefix(prefix: string, url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', clusterNodes = '') {
  if (clusterNodes) {
    const cluster = await connectRedis({ REDIS_URL: url, REDIS_CLUSTER_NODES: clusterNodes }, 'bench-cleanup')
    try {
      await deleteKeyspace(cluster, prefix)
    } finally {
      await closeRedis(cluster)
    }
    return
  }
  const redis = createClient({ url })
  await redis.connect()
  try {
    await deleteKeyspace(redis, prefix)
  } finally {
    await redis.quit()
  }
}

/**
 * Starts the real API (src/index.ts) as its own production process with request logs off, under
 * a Redis prefix of its own (`REDIS_PREFIX`, or one made up) whose keys `stop()` deletes.
 */
export async function apiServer(env: Record<string, string> = {}) {
  const port = freePort()
  const prefix = env.REDIS_PREFIX ?? `lyceum-bench-${process.pid}-${port}`
  const proc = Bun.spawn(['bun', 'src/index.ts'], { env: { ...process.env, ...PRODUCTION, LOG_LEVEL: 'warn', ...env, REDIS_PREFIX: prefix, PORT: String(port) }, stdout: 'ignore', stderr: 'inherit' })
  await waitUp(`http://127.0.0.1:${port}/health/ready`)
  return {
    url: `http://127.0.0.1:${port}`,
    pid: proc.pid,
    async stop() {
      proc.kill()
      await proc.exited
      await dropRedisPrefix(prefix, env.REDIS_URL).catch(() => {})
    },
  }
}

/**
 * A throw-away database with every migration applied, so a bench runs on a fresh machine and
 * never touches a developer's data; `drop()` removes it. The server is the local one unless
 * BENCH_DATABASE_ADMIN_URL names another.
 */
export async function benchDatabase(tag: string) {
  const adminUrl = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  const name = `lyceum_bench_${tag}_${process.pid}`
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database "${name}"`)
  const u = new URL(adminUrl)
  u.pathname = `/${name}`
  const url = u.toString()
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    await migrate(sql as never)
  } finally {
    await sql.end()
  }
  return {
    url,
    async drop() {
      await admin.unsafe(`drop database if exists "${name}" with (force)`)
      await admin.end()
    },
  }
}

const byRps = (xs: LoadResult[]) => [...xs].sort((a, b) => a.rps - b.rps)
const middle = <T>(xs: T[]) => xs[Math.floor(xs.length / 2)]!

/** CPU time (user + system, ms) a process has used so far, from /proc; undefined where there is none. */
export function cpuMs(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) * (1000 / 100) // clock ticks of 10 ms
  } catch {
    return undefined
  }
}

type Target = { url: string; pid?: number }
type Measured = { result: LoadResult; ratio: number; ratios: number[]; cpuUs?: number }

/**
 * Sends the same request (path and headers) to `base` and to each of `others` in alternating
 * rounds after a warm-up of each, so that drift on a shared machine hits all alike; reports for
 * each server its median round, its median ratio to `base` (round by round) and its CPU time per
 * request over all its rounds.
 */
export async function compare(opts: { base: Target; others: Record<string, Target>; path: string; headers?: Record<string, string>; rounds: number; seconds: number; connections: number }) {
  const { rounds, seconds, connections, headers } = opts
  const targets: [string, Target][] = [['base', opts.base], ...Object.entries(opts.others)]
  for (const [, t] of targets) await load({ url: t.url + opts.path, headers, connections, seconds: 2 }) // warm-up (JIT, pools, caches)
  const runs = new Map(targets.map(([name]) => [name, { results: [] as LoadResult[], cpuMs: 0 }]))
  for (let r = 0; r < rounds; r++) {
    for (const [name, t] of targets) {
      const before = t.pid ? cpuMs(t.pid) : undefined
      const result = await load({ url: t.url + opts.path, headers, connections, seconds })
      const after = t.pid ? cpuMs(t.pid) : undefined
      const run = runs.get(name)!
      run.results.push(result)
      if (before !== undefined && after !== undefined) run.cpuMs += after - before
    }
  }
  const base = runs.get('base')!.results
  const measured = (name: string): Measured => {
    const { results, cpuMs: ms } = runs.get(name)!
    const ratios = results.map((o, i) => o.rps / base[i]!.rps).sort((a, b) => a - b)
    return { result: middle(byRps(results)), ratio: middle(ratios), ratios, cpuUs: ms > 0 ? (ms * 1000) / results.reduce((n, x) => n + x.requests, 0) : undefined }
  }
  return { base: measured('base'), others: Object.fromEntries(Object.keys(opts.others).map((name) => [name, measured(name)])) }
}

export function fmtCompare(title: string, c: Awaited<ReturnType<typeof compare>>, baseName = 'bare Bun') {
  const width = Math.max(baseName.length, ...Object.keys(c.others).map((n) => n.length))
  const cpu = (m: Measured) => (m.cpuUs ? `  server CPU ${m.cpuUs.toFixed(1)} µs/request` : '')
  const lines = [title, `  ${baseName.padEnd(width)}  ${fmt(c.base.result)}${cpu(c.base)}`]
  for (const [name, m] of Object.entries(c.others)) {
    lines.push(`  ${name.padEnd(width)}  ${fmt(m.result)}${cpu(m)}`)
    lines.push(`  ${''.padEnd(width)}  ratio to ${baseName} ${m.ratio.toFixed(2)} (rounds: ${m.ratios.map((x) => x.toFixed(2)).join(', ')})`)
  }
  return lines.join('\n')
}
