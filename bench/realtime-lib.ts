/**
 * Shared pieces of the real-time benches (bench/ws.ts, bench/fanout-scale.ts): API replicas as
 * real production processes on one throw-away database and Redis prefix, users seeded in group
 * conversations, sockets connected in bounded batches, senders at a fixed rate or saturating,
 * and per-process figures read from /proc and /metrics.
 */
import postgres from 'postgres'
import { readFileSync } from 'node:fs'
import type { Subprocess } from 'bun'
import { loadConfig } from '../src/platform/config'
import { signAccessToken } from '../src/platform/http/auth'
import { benchDatabase, cpuMs, dropRedisPrefix, freePort } from './lib'

export { cpuMs }

/** Production settings for bench replicas (secrets made up per run; nothing here is deployed). */
const secret = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex')
export const BENCH_METRICS_TOKEN = secret()
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: secret(),
  DATA_ENCRYPTION_KEY: secret(),
  METRICS_TOKEN: BENCH_METRICS_TOKEN,
  STRIPE_SECRET_KEY: `sk_test_bench_${secret()}`,
  STRIPE_WEBHOOK_SECRET: `whsec_bench_${secret()}`,
  PUBLIC_URL: 'http://localhost:3000',
  LOG_LEVEL: 'warn',
  DATABASE_POOL_MAX: '20',
}

export const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
export const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN

export type Replica = { proc: Subprocess; pid: number; http: string; ws: string }

/** A bench environment: its own database and Redis prefix; `close()` removes both. */
export async function realtimeEnv(tag: string, extra: Record<string, string> = {}) {
  const db = await benchDatabase(tag)
  const env: Record<string, string> = { ...(process.env as Record<string, string>), ...PRODUCTION, DATABASE_URL: db.url, REDIS_PREFIX: `lyceum-bench-${tag}-${process.pid}`, ...extra }
  const config = loadConfig(env)
  const sql = postgres(db.url, { max: 4, onnotice: () => {} })
  const running = new Set<Replica>()

  async function startReplica(): Promise<Replica> {
    const port = freePort()
    const proc = Bun.spawn([process.execPath, 'src/index.ts'], { env: { ...env, PORT: String(port) }, stdout: 'ignore', stderr: 'inherit' })
    const http = `http://127.0.0.1:${port}`
    const replica = { proc, pid: proc.pid, http, ws: `ws://127.0.0.1:${port}` }
    running.add(replica)
    for (let i = 0; i < 300; i++) {
      if (await fetch(`${http}/health/ready`).then((r) => r.ok).catch(() => false)) return replica
      if (proc.exitCode !== null) break
      await Bun.sleep(100)
    }
    throw new Error('replica did not become ready')
  }

  async function stopReplicas() {
    for (const r of running) r.proc.kill('SIGTERM')
    await Promise.all([...running].map((r) => r.proc.exited))
    running.clear()
  }

  /** `n` users with sessions and tokens, in group conversations of `groupSize` members. */
  async function seedGroups(n: number, groupSize: number, tag: string) {
    const users = await sql<{ id: string }[]>`
      insert into users (email, display_name) select 'bench-' || ${tag} || '-' || g || '@bench.test', 'Bench ' || g from generate_series(1, ${n}) g returning id`
    const sessions = await sql<{ id: string; user_id: string }[]>`
      insert into sessions (user_id, expires_at) select u, now() + interval '1 day' from unnest(${users.map((u) => u.id)}::uuid[]) u returning id, user_id`
    const jwt = { secret: config.JWT_SECRET, accessTtl: 3600 }
    const tokenOf = new Map(await Promise.all(sessions.map(async (s) => [s.user_id, (await signAccessToken(jwt, { userId: s.user_id, role: 'student', sid: s.id })).token] as const)))
    const ids = users.map((u) => u.id)
    const memberLists: string[][] = []
    for (let i = 0; i < ids.length; i += groupSize) memberLists.push(ids.slice(i, i + groupSize))
    const convs = await sql<{ id: string }[]>`
      insert into conversations (type, name, owner_id) select 'group', 'bench', o from unnest(${memberLists.map((m) => m[0]!)}::uuid[]) o returning id`
    const groups = memberLists.map((members, i) => ({ id: convs[i]!.id, members }))
    await sql`insert into conversation_participants (conversation_id, user_id)
      select c, u from unnest(${groups.flatMap((g) => g.members.map(() => g.id))}::uuid[], ${groups.flatMap((g) => g.members)}::uuid[]) as x(c, u)`
    return { ids, tokenOf, groups }
  }

  async function close() {
    await stopReplicas()
    await sql.end()
    await db.drop()
    await dropRedisPrefix(env.REDIS_PREFIX!, config.REDIS_URL, config.REDIS_CLUSTER_NODES)
  }

  return { env, config, sql, startReplica, stopReplicas, seedGroups, close }
}

export type Frame = { type: string; data: any }
export type Sock = { ws: WebSocket; userId: string; replica: number }

/**
 * Opens one socket per user (user i on replica i mod R), at most `inFlight` handshakes at a
 * time, and resolves when every socket has had its `hello`; `ms` is the wall time it took.
 */
export async function connectAll(ids: string[], tokenOf: Map<string, string>, replicas: Replica[], onFrame: (s: Sock, f: Frame) => void, inFlight = 250) {
  const sockets: Sock[] = []
  const t0 = performance.now()
  let next = 0
  const open = (i: number) =>
    new Promise<Sock>((resolve, reject) => {
      const userId = ids[i]!
      const replica = i % replicas.length
      const ws = new WebSocket(`${replicas[replica]!.ws}/api/v1/ws`, { headers: { authorization: `Bearer ${tokenOf.get(userId)}` } } as never)
      const s = { ws, userId, replica }
      ws.onmessage = (e) => {
        const f = JSON.parse(String(e.data)) as Frame
        if (f.type === 'hello') resolve(s)
        onFrame(s, f)
      }
      ws.onerror = () => reject(new Error('socket failed'))
    })
  const lane = async () => {
    while (next < ids.length) sockets.push(await open(next++))
  }
  await Promise.all(Array.from({ length: Math.min(inFlight, ids.length) }, lane))
  return { sockets, ms: performance.now() - t0 }
}

/** POSTs a message as `sender` to the replica that holds the sender's socket. */
export async function postMessage(replica: Replica, token: string, conversationId: string, body: string, clientId: string) {
  const res = await fetch(`${replica.http}/api/v1/conversations/${conversationId}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ body, client_id: clientId }),
  })
  if (res.status !== 201) throw new Error(`POST failed: ${res.status} ${await res.text()}`)
}

/** Calls `send(i)` at a fixed offered rate (open loop) for `count` calls. */
export async function atFixedRate(count: number, perSecond: number, send: (i: number) => Promise<void>) {
  const inFlight: Promise<void>[] = []
  const t0 = performance.now()
  for (let i = 0; i < count; i++) {
    const due = t0 + (i * 1000) / perSecond
    const wait = due - performance.now()
    if (wait > 0) await Bun.sleep(wait)
    inFlight.push(send(i))
  }
  await Promise.all(inFlight)
}

/** Calls `send(i)` `count` times with `concurrency` calls in flight (closed loop). */
export async function saturate(count: number, concurrency: number, send: (i: number) => Promise<void>) {
  let next = 0
  const lane = async () => {
    while (next < count) await send(next++)
  }
  await Promise.all(Array.from({ length: concurrency }, lane))
}

/** Polls until `done()` or `ms` have passed. */
export async function settle(done: () => boolean, ms = 10_000) {
  const end = Date.now() + ms
  while (!done() && Date.now() < end) await Bun.sleep(25)
}

/** Reads counters from a replica's /metrics (sum over label sets, by metric name). */
export async function metricsOf(replica: Replica): Promise<Record<string, number>> {
  const text = await fetch(`${replica.http}/metrics`, { headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` } }).then((r) => r.text())
  const out: Record<string, number> = {}
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{[^}]*\})?\s+([-+0-9.eE]+|NaN)$/.exec(line)
    if (m) out[m[1]!] = (out[m[1]!] ?? 0) + Number(m[2])
  }
  return out
}
