/**
 * WebSocket bench: 1 and 2 API replicas (real production processes on a throw-away database and
 * Redis prefix), N sockets spread evenly, users in group conversations of 10, messages POSTed to
 * the sender's replica. For each replica count and N it prints:
 *   - server RSS per socket on a fresh process, beside a bare Bun.serve WebSocket server
 *     (bench/ws-floor.ts: one topic per socket and a `hello`) measured in the same run;
 *   - the time to connect all N sockets (each has had its `hello`);
 *   - p50/p99 POST → recipient frame at a fixed 200 messages/s;
 *   - deliveries/s and server CPU µs per delivered frame at saturation (32 POSTs in flight).
 *
 *   bun bench/ws.ts
 *   BENCH_REPLICAS=1 BENCH_SIZES=1000 BENCH_RATE_SECONDS=5 bun bench/ws.ts
 */
import { freePort, waitUp } from './lib'
import {
  atFixedRate, connectAll, cpuMs, pct, postMessage, realtimeEnv, rssKb, saturate, settle,
  type Frame, type Replica, type Sock,
} from './realtime-lib'

const REPLICAS = (process.env.BENCH_REPLICAS ?? '1,2').split(',').map(Number)
const SIZES = (process.env.BENCH_SIZES ?? '1000,5000').split(',').map(Number)
const GROUP = Number(process.env.BENCH_GROUP ?? 10)
const RATE = Number(process.env.BENCH_RATE ?? 200)
const RATE_SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? 10)
const SAT_MESSAGES = Number(process.env.BENCH_SAT_MESSAGES ?? 2000)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32)

const bench = await realtimeEnv('ws')
let seeded = 0

/** The bare floor: RSS per socket of bench/ws-floor.ts holding `n` sockets. */
async function floorKbPerSocket(n: number) {
  const port = freePort()
  const proc = Bun.spawn([process.execPath, `${import.meta.dir}/ws-floor.ts`], { env: { ...process.env, NODE_ENV: 'production', PORT: String(port) }, stdout: 'ignore', stderr: 'inherit' })
  try {
    await waitUp(`http://127.0.0.1:${port}/`)
    const replica = { proc, pid: proc.pid, http: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}` } as Replica
    const ids = Array.from({ length: n }, (_, i) => `u${i}`)
    const warm = await connectAll(ids.slice(0, 20), new Map(ids.map((id) => [id, id])), [replica], () => {})
    for (const s of warm.sockets) s.ws.close()
    await Bun.sleep(500)
    const before = rssKb(proc.pid)
    const { sockets, ms } = await connectAll(ids, new Map(ids.map((id) => [id, `floor-${id}`])), [replica], () => {})
    await Bun.sleep(1000)
    const kb = (rssKb(proc.pid) - before) / n
    for (const s of sockets) s.ws.close()
    return { kb, ms }
  } finally {
    proc.kill()
    await proc.exited
  }
}

/** Connects and disconnects a few sockets and sends a few messages: JIT, pools, first queries. */
async function warmUp(replicas: Replica[]) {
  const { ids, tokenOf, groups } = await bench.seedGroups(GROUP * 4, GROUP, `warm-${++seeded}`)
  const { sockets } = await connectAll(ids, tokenOf, replicas, () => {})
  for (const [i, g] of groups.entries()) await postMessage(replicas[i % replicas.length]!, tokenOf.get(g.members[0]!)!, g.id, 'warm-up', `warm-${seeded}-${i}`)
  for (const s of sockets) s.ws.close()
  await Bun.sleep(1500)
}

async function run(r: number, n: number) {
  const replicas: Replica[] = []
  for (let i = 0; i < r; i++) replicas.push(await bench.startReplica())
  try {
    await warmUp(replicas)
    const { ids, tokenOf, groups } = await bench.seedGroups(n, GROUP, `${r}-${n}-${++seeded}`)
    const replicaOfUser = new Map(ids.map((id, i) => [id, replicas[i % r]!]))
    const sentAt = new Map<string, number>()
    const latencies: number[] = []
    let frames = 0
    let lastFrameAt = 0
    const onFrame = (s: Sock, f: Frame) => {
      if (f.type !== 'message') return
      frames++
      lastFrameAt = performance.now()
      const t0 = sentAt.get(f.data.client_id)
      if (t0 !== undefined && f.data.sender_id !== s.userId) latencies.push(lastFrameAt - t0)
    }

    const rssBefore = replicas.map((x) => rssKb(x.pid))
    const { sockets, ms: connectMs } = await connectAll(ids, tokenOf, replicas, onFrame)
    await Bun.sleep(1000)
    const kbPerSocket = replicas.reduce((sum, x, i) => sum + rssKb(x.pid) - rssBefore[i]!, 0) / n

    let k = 0
    const send = async () => {
      const g = groups[k % groups.length]!
      const sender = g.members[Math.floor(k / groups.length) % g.members.length]!
      const clientId = `m${r}-${n}-${k++}`
      sentAt.set(clientId, performance.now())
      await postMessage(replicaOfUser.get(sender)!, tokenOf.get(sender)!, g.id, 'bench message', clientId)
    }
    const recipientsPerMessage = GROUP - 1

    // Latency at a fixed offered rate.
    const fixedCount = RATE * RATE_SECONDS
    await atFixedRate(fixedCount, RATE, send)
    await settle(() => latencies.length >= fixedCount * recipientsPerMessage)
    const steady = [...latencies].sort((a, b) => a - b)
    const lostAtRate = fixedCount * recipientsPerMessage - steady.length

    // Saturation: deliveries/s and server CPU per delivered frame.
    latencies.length = 0
    frames = 0
    const cpuBefore = replicas.map((x) => cpuMs(x.pid) ?? 0)
    const started = performance.now()
    await saturate(SAT_MESSAGES, CONCURRENCY, send)
    await settle(() => latencies.length >= SAT_MESSAGES * recipientsPerMessage)
    const seconds = (lastFrameAt - started) / 1000
    const cpu = replicas.reduce((sum, x, i) => sum + (cpuMs(x.pid) ?? 0) - cpuBefore[i]!, 0)
    for (const s of sockets) s.ws.close()
    return {
      r, n, kbPerSocket, connectMs,
      p50: pct(steady, 50), p99: pct(steady, 99), lostAtRate,
      deliveriesPerSec: frames / seconds,
      cpuUsPerFrame: (cpu * 1000) / frames,
    }
  } finally {
    await bench.stopReplicas()
  }
}

const rows: Awaited<ReturnType<typeof run>>[] = []
const floors = new Map<number, Awaited<ReturnType<typeof floorKbPerSocket>>>()
try {
  for (const n of SIZES) {
    floors.set(n, await floorKbPerSocket(n))
    for (const r of REPLICAS) {
      const row = await run(r, n)
      rows.push(row)
      console.error(`R=${r} N=${n}`, row)
    }
  }
} finally {
  await bench.close()
}

console.log(`\nGroups of ${GROUP}; latency at ${RATE} messages/s for ${RATE_SECONDS} s; saturation: ${SAT_MESSAGES} messages, ${CONCURRENCY} POSTs in flight.\n`)
console.log('| replicas | sockets | RSS per socket (floor) | connect all (floor) | p50 / p99 at rate | lost | deliveries/s at saturation | server CPU per delivered frame |')
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
for (const x of rows) {
  const f = floors.get(x.n)!
  console.log(
    `| ${x.r} | ${x.n} | ${x.kbPerSocket.toFixed(1)} KiB (${f.kb.toFixed(1)}) | ${(x.connectMs / 1000).toFixed(2)} s (${(f.ms / 1000).toFixed(2)} s) | ${x.p50.toFixed(1)} / ${x.p99.toFixed(1)} ms | ${x.lostAtRate} | ${Math.round(x.deliveriesPerSec)} | ${x.cpuUsPerFrame.toFixed(1)} µs |`,
  )
}
process.exit(0)
