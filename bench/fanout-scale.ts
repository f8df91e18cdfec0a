/**
 * Fan-out as replicas are added: R = 1, 2, 4, 8 API processes (production builds of the real
 * entry point), SOCKETS sockets spread evenly (user i on replica i mod R), users in groups of 10,
 * messages POSTed at a fixed global rate to the sender's replica. Redis is a private
 * `redis-server` started for the run, so its CPU is this bench's alone.
 *
 * Per replica it prints the envelopes it received from Redis and the frames it delivered (from
 * /metrics: lyceum_ws_envelopes_received_total, lyceum_ws_frames_delivered_total), received ÷
 * addressed-to-its-sockets (1.0 = it got exactly what its own users needed; broadcast fan-out
 * would make it ≈ R × the share of recipients it holds), and server CPU µs per delivered frame;
 * per run: Redis CPU and lost frames.
 *
 * With BENCH_REDIS_CLUSTER=1 the run uses a private local 3-master Redis Cluster instead
 * (REDIS_CLUSTER_NODES: sharded pub/sub, cluster client); Redis CPU is then the sum over its nodes.
 *
 *   bun bench/fanout-scale.ts
 *   BENCH_REPLICAS=1,2 BENCH_SECONDS=5 bun bench/fanout-scale.ts
 *   BENCH_REDIS_CLUSTER=1 BENCH_REPLICAS=1,2,4 bun bench/fanout-scale.ts
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from 'redis'
import { freePort } from './lib'
import { startRedisCluster } from '../test/helpers/redis-cluster'
import { atFixedRate, connectAll, cpuMs, metricsOf, postMessage, realtimeEnv, settle, type Replica } from './realtime-lib'

const REPLICAS = (process.env.BENCH_REPLICAS ?? '1,2,4,8').split(',').map(Number)
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 2000)
const GROUP = Number(process.env.BENCH_GROUP ?? 10)
const RATE = Number(process.env.BENCH_RATE ?? 200)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const CLUSTER = process.env.BENCH_REDIS_CLUSTER === '1'

/** A private local Redis Cluster (3 masters); its CPU is the sum of its nodes' CPU counters. */
async function privateCluster() {
  const cluster = await startRedisCluster()
  const clients = await Promise.all(
    cluster.ports.map(async (port) => {
      const client = createClient({ url: `redis://127.0.0.1:${port}` })
      await client.connect()
      return client
    }),
  )
  const cpuSeconds = async () => {
    let total = 0
    for (const client of clients) {
      const info = await client.info('cpu')
      const read = (k: string) => Number(new RegExp(`${k}:([0-9.]+)`).exec(info)?.[1] ?? 0)
      total += read('used_cpu_sys') + read('used_cpu_user')
    }
    return total
  }
  return {
    env: { REDIS_CLUSTER_NODES: cluster.nodes, REDIS_URL: 'redis://127.0.0.1:1' },
    cpuSeconds,
    async stop() {
      await Promise.all(clients.map((c) => c.quit().catch(() => {})))
      await cluster.stop()
    },
  }
}

/** A private Redis for the run (its CPU counters are then ours alone). */
async function privateRedis() {
  const port = freePort()
  const dir = mkdtempSync(join(tmpdir(), 'lyceum-fanout-redis-'))
  const proc = Bun.spawn(['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdout: 'ignore', stderr: 'inherit' })
  const url = `redis://127.0.0.1:${port}`
  const client = createClient({ url })
  client.on('error', () => {}) // refused until the server listens; connect() retries below
  for (let i = 0; i < 100 && !client.isReady; i++) await client.connect().catch(() => Bun.sleep(50))
  const cpuSeconds = async () => {
    const info = await client.info('cpu')
    const read = (k: string) => Number(new RegExp(`${k}:([0-9.]+)`).exec(info)?.[1] ?? 0)
    return read('used_cpu_sys') + read('used_cpu_user')
  }
  return {
    url,
    cpuSeconds,
    async stop() {
      await client.quit().catch(() => {})
      proc.kill()
      await proc.exited
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

const redis = CLUSTER ? await privateCluster() : await privateRedis()
const bench = await realtimeEnv('fanout', 'env' in redis ? redis.env : { REDIS_URL: redis.url })

async function run(r: number) {
  const replicas: Replica[] = []
  for (let i = 0; i < r; i++) replicas.push(await bench.startReplica())
  try {
    const { ids, tokenOf, groups } = await bench.seedGroups(SOCKETS, GROUP, `r${r}`)
    const replicaIndex = new Map(ids.map((id, i) => [id, i % r]))
    let frames = 0
    const { sockets } = await connectAll(ids, tokenOf, replicas, (_s, f) => {
      if (f.type === 'message') frames++
    })
    await Bun.sleep(1000) // presence and pending pushes of the connects settle before counting

    const addressed = replicas.map(() => 0)
    const before = await Promise.all(replicas.map(metricsOf))
    const cpuBefore = replicas.map((x) => cpuMs(x.pid) ?? 0)
    const redisBefore = await redis.cpuSeconds()
    frames = 0
    const count = RATE * SECONDS
    await atFixedRate(count, RATE, async (k) => {
      const g = groups[k % groups.length]!
      const sender = g.members[Math.floor(k / groups.length) % g.members.length]!
      // One envelope per recipient user (the sender's own channel included: its other devices).
      for (const m of g.members) addressed[replicaIndex.get(m)!]!++
      await postMessage(replicas[replicaIndex.get(sender)!]!, tokenOf.get(sender)!, g.id, 'scale', `s${r}-${k}`)
    })
    const expected = count * GROUP
    await settle(() => frames >= expected)
    const after = await Promise.all(replicas.map(metricsOf))
    const redisCpu = (await redis.cpuSeconds()) - redisBefore
    const perReplica = replicas.map((x, i) => {
      const received = after[i]!.lyceum_ws_envelopes_received_total! - before[i]!.lyceum_ws_envelopes_received_total!
      const delivered = after[i]!.lyceum_ws_frames_delivered_total! - before[i]!.lyceum_ws_frames_delivered_total!
      const cpu = (cpuMs(x.pid) ?? 0) - cpuBefore[i]!
      return { received, delivered, addressed: addressed[i]!, ratio: received / addressed[i]!, cpuUsPerFrame: (cpu * 1000) / delivered }
    })
    for (const s of sockets) s.ws.close()
    return { r, perReplica, lost: expected - frames, redisCpuMs: redisCpu * 1000, messages: count }
  } finally {
    await bench.stopReplicas()
  }
}

const results: Awaited<ReturnType<typeof run>>[] = []
try {
  for (const r of REPLICAS) {
    const res = await run(r)
    results.push(res)
    console.error(`R=${r} done`, JSON.stringify(res))
  }
} finally {
  await bench.close()
  await redis.stop()
}

console.log(`\n${SOCKETS} sockets in groups of ${GROUP}, ${RATE} messages/s for ${SECONDS} s, ${CLUSTER ? "local Redis Cluster (3 masters, sharded pub/sub)" : "single-node Redis"}.\n`)
console.log('| replicas | envelopes received / replica | frames delivered / replica | received ÷ addressed (max) | CPU µs per delivered frame (mean of replicas) | Redis CPU ms per 1k messages | lost |')
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
for (const x of results) {
  console.log(
    `| ${x.r} | ${Math.round(mean(x.perReplica.map((p) => p.received)))} | ${Math.round(mean(x.perReplica.map((p) => p.delivered)))} | ${Math.max(...x.perReplica.map((p) => p.ratio)).toFixed(3)} | ${mean(x.perReplica.map((p) => p.cpuUsPerFrame)).toFixed(1)} | ${((x.redisCpuMs * 1000) / x.messages).toFixed(1)} | ${x.lost} |`,
  )
}
const base = results.find((x) => x.r === 1)
const top = results.at(-1)
if (base && top && top !== base) {
  const ratio = mean(top.perReplica.map((p) => p.cpuUsPerFrame)) / mean(base.perReplica.map((p) => p.cpuUsPerFrame))
  console.log(`\nCPU per delivered frame at R=${top.r} ÷ R=1: ${ratio.toFixed(2)}`)
}
process.exit(0)
