/**
 * WebSocket fan-out bench: two API replicas (real `bun src/index.ts` processes sharing a
 * throw-away database and a Redis prefix), N sockets split across them, users paired in
 * direct conversations whose two ends sit on different replicas. Messages are POSTed to the
 * sender's replica; we time POST start → the recipient's `message` frame on the other replica.
 *
 *   bun bench/ws.ts                       # N = 100, 1000, 5000
 *   BENCH_SIZES=1000 BENCH_MESSAGES=3000 bun bench/ws.ts
 *
 * Prints deliveries/s (every `message` frame received, sender echo included), p50/p99
 * latency, replica CPU per delivery and replica memory (RSS) per connection.
 */
import postgres from 'postgres'
import { readFileSync } from 'node:fs'
import type { Subprocess } from 'bun'
import { loadConfig } from '../src/platform/config'
import { signAccessToken } from '../src/platform/http/auth'
import { benchDatabase, dropRedisPrefix, freePort } from './lib'

const SIZES = (process.env.BENCH_SIZES ?? '100,1000,5000').split(',').map(Number)
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2000)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32)
/** Latency is measured at a fixed offered rate (open loop), throughput with CONCURRENCY POSTs in flight. */
const RATE = Number(process.env.BENCH_RATE ?? 50)
const LATENCY_MESSAGES = Number(process.env.BENCH_LATENCY_MESSAGES ?? 500)

const run = `${process.pid}`
const db = await benchDatabase('ws')
const env = { ...process.env, DATABASE_URL: db.url, REDIS_PREFIX: `lyceum-bench-${run}`, LOG_LEVEL: 'warn', NODE_ENV: 'development', DATABASE_POOL_MAX: '20' }
const config = loadConfig(env)
const sql = postgres(db.url, { max: 4, onnotice: () => {} })

type Replica = { proc: Subprocess; http: string; ws: string }
async function startReplica(): Promise<Replica> {
  const port = freePort()
  const proc = Bun.spawn([process.execPath, 'src/index.ts'], { env: { ...env, PORT: String(port) }, stdout: 'ignore', stderr: 'inherit' })
  const http = `http://127.0.0.1:${port}`
  for (let i = 0; i < 200; i++) {
    if (await fetch(`${http}/health/ready`).then((r) => r.ok).catch(() => false)) return { proc, http, ws: `ws://127.0.0.1:${port}` }
    await Bun.sleep(100)
  }
  throw new Error('replica did not become ready')
}
const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
const cpuMs = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100 // utime + stime, in clock ticks of 1/100 s
}
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN

/** N users with sessions and tokens, paired into direct conversations. */
async function seed(n: number, tag = String(n)) {
  const users = await sql<{ id: string }[]>`
    insert into users (email, display_name) select 'bench-' || ${tag} || '-' || g || '@bench.test', 'Bench ' || g from generate_series(1, ${n}) g returning id`
  const sessions = await sql<{ id: string; user_id: string }[]>`
    insert into sessions (user_id, expires_at) select u, now() + interval '1 day' from unnest(${users.map((u) => u.id)}::uuid[]) u returning id, user_id`
  const tokens = await Promise.all(sessions.map(async (s) => [s.user_id, (await signAccessToken({ secret: config.JWT_SECRET, accessTtl: config.ACCESS_TOKEN_TTL }, { userId: s.user_id, role: 'student', sid: s.id })).token] as const))
  const tokenOf = new Map(tokens)
  const ids = users.map((u) => u.id)
  const pairs: [string, string][] = []
  for (let i = 0; i + 1 < ids.length; i += 2) pairs.push([ids[i]!, ids[i + 1]!])
  const convs = await sql<{ id: string; direct_key: string }[]>`
    insert into conversations (type, direct_key) select 'direct', k from unnest(${pairs.map(([a, b]) => (a < b ? `${a}:${b}` : `${b}:${a}`))}::text[]) k returning id, direct_key`
  const convOf = new Map(convs.map((c) => [c.direct_key, c.id]))
  const conversations = pairs.map(([a, b]) => ({ id: convOf.get(a < b ? `${a}:${b}` : `${b}:${a}`)!, a, b }))
  await sql`insert into conversation_participants (conversation_id, user_id)
    select c, u from unnest(${conversations.flatMap((c) => [c.id, c.id])}::uuid[], ${conversations.flatMap((c) => [c.a, c.b])}::uuid[]) as x(c, u)`
  return { ids, tokenOf, conversations }
}

type Socket = { ws: WebSocket; userId: string }
async function connectAll(ids: string[], tokenOf: Map<string, string>, replicas: Replica[], onFrame: (s: Socket, f: { type: string; data: any }) => void) {
  const sockets: Socket[] = []
  for (let i = 0; i < ids.length; i += 250) {
    const batch = ids.slice(i, i + 250).map((userId, j) => new Promise<Socket>((resolve, reject) => {
      const ws = new WebSocket(`${replicas[(i + j) % 2]!.ws}/api/v1/ws`, { headers: { authorization: `Bearer ${tokenOf.get(userId)}` } } as never)
      const s = { ws, userId }
      ws.onmessage = (e) => {
        const f = JSON.parse(String(e.data))
        if (f.type === 'hello') resolve(s)
        onFrame(s, f)
      }
      ws.onerror = () => reject(new Error('socket failed'))
    }))
    sockets.push(...(await Promise.all(batch)))
  }
  return sockets
}

/** Warms both replicas (JIT, pools, first queries) so memory is measured from a steady baseline. */
async function warmUp(replicas: Replica[]) {
  const { ids, tokenOf, conversations } = await seed(40, `warm-${Date.now()}`)
  const sockets = await connectAll(ids, tokenOf, replicas, () => {})
  for (const [i, c] of conversations.entries()) {
    await fetch(`${replicas[i % 2]!.http}/api/v1/conversations/${c.id}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenOf.get(c.a)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'warm-up' }),
    })
  }
  for (const s of sockets) s.ws.close()
  await Bun.sleep(1500)
}

async function benchSize(n: number, replicas: Replica[]) {
  const { ids, tokenOf, conversations } = await seed(n)
  await warmUp(replicas)
  const replicaOf = new Map(ids.map((id, i) => [id, replicas[i % 2]!]))
  const sentAt = new Map<string, number>()
  const latencies: number[] = []
  let delivered = 0
  let lastReceipt = 0
  const rssBefore = replicas.map((r) => rssKb(r.proc.pid))
  const sockets = await connectAll(ids, tokenOf, replicas, (s, f) => {
    if (f.type !== 'message') return
    delivered++
    lastReceipt = performance.now()
    const t0 = sentAt.get(f.data.client_id)
    if (t0 !== undefined && f.data.sender_id !== s.userId) latencies.push(lastReceipt - t0)
  })
  await Bun.sleep(500)
  const rssAfter = replicas.map((r) => rssKb(r.proc.pid))

  const post = async (i: number) => {
    const c = conversations[i % conversations.length]!
    const sender = i % 4 < 2 ? c.a : c.b
    const clientId = `b${n}-${i}`
    sentAt.set(clientId, performance.now())
    const res = await fetch(`${replicaOf.get(sender)!.http}/api/v1/conversations/${c.id}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenOf.get(sender)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ body: `bench message ${i}`, client_id: clientId }),
    })
    if (res.status !== 201) throw new Error(`POST failed: ${res.status} ${await res.text()}`)
  }
  const settle = async (expected: number) => {
    for (let i = 0; i < 400 && latencies.length < expected; i++) await Bun.sleep(25)
  }

  // Phase 1: latency at a steady offered rate.
  const inFlight: Promise<void>[] = []
  const t0 = performance.now()
  for (let i = 0; i < LATENCY_MESSAGES; i++) {
    const due = t0 + (i * 1000) / RATE
    if (due > performance.now()) await Bun.sleep(due - performance.now())
    inFlight.push(post(i))
  }
  await Promise.all(inFlight)
  await settle(LATENCY_MESSAGES)
  const steady = [...latencies].sort((a, b) => a - b)

  // Phase 2: throughput with CONCURRENCY POSTs in flight.
  latencies.length = 0
  delivered = 0
  const cpuBefore = replicas.map((r) => cpuMs(r.proc.pid))
  let next = 0
  const started = performance.now()
  const worker = async () => {
    while (next < MESSAGES) await post(LATENCY_MESSAGES + next++)
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  await settle(MESSAGES)
  const seconds = (lastReceipt - started) / 1000
  const cpu = replicas.reduce((sum, r, i) => sum + cpuMs(r.proc.pid) - cpuBefore[i]!, 0)
  latencies.sort((a, b) => a - b)
  for (const s of sockets) s.ws.close()
  return {
    n,
    messages: MESSAGES,
    received: latencies.length,
    deliveriesPerSec: Math.round(delivered / seconds),
    p50: pct(steady, 50),
    p99: pct(steady, 99),
    loadedP50: pct(latencies, 50),
    loadedP99: pct(latencies, 99),
    cpuMsPerDelivery: cpu / delivered,
    kbPerConnection: (rssAfter[0]! - rssBefore[0]! + rssAfter[1]! - rssBefore[1]!) / n,
  }
}

const rows = []
let replicas: Replica[] = []
const stopReplicas = async () => {
  for (const r of replicas) r.proc.kill('SIGTERM')
  await Promise.all(replicas.map((r) => r.proc.exited))
}
try {
  for (const n of SIZES) {
    // Fresh replicas per size, so memory per connection is measured from a comparable baseline.
    replicas = [await startReplica(), await startReplica()]
    const r = await benchSize(n, replicas)
    rows.push(r)
    console.error(`N=${n} done`, r)
    await stopReplicas()
  }
} finally {
  await stopReplicas()
  await sql.end()
  await db.drop()
  await dropRedisPrefix(env.REDIS_PREFIX, config.REDIS_URL)
}
console.log(`\n2 replicas, direct pairs split across them. Latency: ${LATENCY_MESSAGES} messages at ${RATE}/s. Throughput: ${MESSAGES} messages, ${CONCURRENCY} POSTs in flight.\n`)
console.log('| sockets | deliveries/s | p50 POST→receipt | p99 POST→receipt | p50 / p99 at full load | replica CPU per delivery | replica RSS per connection |')
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
const ms = (x: number) => `${x.toFixed(1)} ms`
for (const r of rows) {
  console.log(`| ${r.n} | ${r.deliveriesPerSec} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.loadedP50)} / ${ms(r.loadedP99)} | ${r.cpuMsPerDelivery.toFixed(3)} ms | ${r.kbPerConnection.toFixed(1)} KiB |`)
}
process.exit(0)
