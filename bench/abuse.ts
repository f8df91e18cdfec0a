/**
 * Abuse bench (SPEC §12 "WebSocket bounds"): one API process (production settings, throw-away
 * database and Redis prefix), 900 reading sockets in 100 groups of 9, plus 100 sockets that never
 * read (raw TCP clients that pause after the handshake) whose users sit in half of the groups
 * each, so every message is also sent to 50 of them. Message bodies are 1,000 three-byte
 * characters (3 KB frames), POSTed at a fixed rate; the same run is repeated without the stalled
 * sockets connected (BENCH_RUNS picks the runs). It prints, for both runs:
 *   - the API's RSS after connecting, its peak during the traffic and the growth between them
 *     (target with stalled sockets: growth ≤ 150 MiB);
 *   - p50/p99 POST → frame on the reading sockets (target: p99 within 2× of the run without);
 *   - how many sockets the server still holds at the end (stalled ones are closed with 1013).
 *
 *   bun bench/abuse.ts
 *   BENCH_SECONDS=10 BENCH_RATE=200 BENCH_BODY_CHARS=2000 BENCH_SHARE=4 bun bench/abuse.ts
 */
import { rawWebSocket } from '../test/helpers/raw-ws'
import { atFixedRate, connectAll, cpuMs, metricsOf, pct, postMessage, realtimeEnv, rssKb, settle, type Replica } from './realtime-lib'

const READERS = Number(process.env.BENCH_READERS ?? 900)
const STALLED = Number(process.env.BENCH_STALLED ?? 100)
const GROUP = Number(process.env.BENCH_GROUP ?? 9)
const RATE = Number(process.env.BENCH_RATE ?? 200)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30)
const BODY = '€'.repeat(Number(process.env.BENCH_BODY_CHARS ?? 1000))
/** Stalled user j is in the groups g with g ≡ j (mod SHARE). */
const SHARE = Number(process.env.BENCH_SHARE ?? 2)

// Message sends are what this bench offers at a fixed rate: the per-user send limit is not under test.
const bench = await realtimeEnv('abuse', { LIMIT_MESSAGES_PER_MIN: '0', LOG_LEVEL: 'error' })
let seeded = 0

async function warmUp(replica: Replica) {
  const { ids, tokenOf, groups } = await bench.seedGroups(GROUP * 4, GROUP, `warm-${++seeded}`)
  const { sockets } = await connectAll(ids, tokenOf, [replica], () => {})
  for (const [i, g] of groups.entries()) await postMessage(replica, tokenOf.get(g.members[0]!)!, g.id, BODY, `warm-${seeded}-${i}`)
  for (const s of sockets) s.ws.close()
  await Bun.sleep(1500)
}

async function run(stalledCount: number) {
  const replica = await bench.startReplica()
  try {
    await warmUp(replica)
    const tag = `run-${++seeded}`
    const { ids, tokenOf, groups } = await bench.seedGroups(READERS, GROUP, tag)
    const stalledUsers = await bench.seedGroups(STALLED, STALLED, `${tag}-s`)
    const pairs = groups.flatMap((g, gi) => stalledUsers.ids.filter((_, j) => gi % SHARE === j % SHARE).map((u) => [g.id, u] as const))
    await bench.sql`insert into conversation_participants (conversation_id, user_id)
      select * from unnest(${pairs.map((p) => p[0])}::uuid[], ${pairs.map((p) => p[1])}::uuid[])`

    const sentAt = new Map<string, number>()
    const latencies: number[] = []
    const { sockets } = await connectAll(ids, tokenOf, [replica], (s, f) => {
      if (f.type !== 'message' || f.data.sender_id === s.userId) return
      const t0 = sentAt.get(f.data.client_id)
      if (t0 !== undefined) latencies.push(performance.now() - t0)
    })
    const port = Number(new URL(replica.http).port)
    const stalled = stalledUsers.ids.slice(0, stalledCount).map((id) => rawWebSocket(port, '/api/v1/ws', { authorization: `Bearer ${stalledUsers.tokenOf.get(id)}` }))
    for (const s of stalled) {
      if ((await s.opened) !== 101) throw new Error('stalled socket not upgraded')
      s.pause()
    }
    await Bun.sleep(1000)
    const connected = (await metricsOf(replica)).ws_connections ?? NaN
    const rssStart = rssKb(replica.pid)
    let rssPeak = rssStart
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssKb(replica.pid))), 250)
    const cpuStart = cpuMs(replica.pid) ?? NaN
    const t0 = performance.now()

    const count = RATE * SECONDS
    let failed = 0
    await atFixedRate(count, RATE, async (i) => {
      const g = groups[i % groups.length]!
      const clientId = `${tag}-${i}`
      sentAt.set(clientId, performance.now())
      await postMessage(replica, tokenOf.get(g.members[0]!)!, g.id, BODY, clientId).catch(() => void failed++)
    })
    const expected = (count - failed) * (GROUP - 1)
    await settle(() => latencies.length >= expected, 20_000)
    const cpuShare = ((cpuMs(replica.pid) ?? NaN) - cpuStart) / (performance.now() - t0)
    clearInterval(sampler)
    rssPeak = Math.max(rssPeak, rssKb(replica.pid))
    const open = (await metricsOf(replica)).ws_connections ?? NaN
    latencies.sort((a, b) => a - b)
    for (const s of sockets) s.ws.close()
    for (const s of stalled) s.destroy()
    return {
      stalled: stalledCount, connected, open, messages: count, failed, received: latencies.length, expected,
      rssStartMb: rssStart / 1024, rssPeakMb: rssPeak / 1024, growthMb: (rssPeak - rssStart) / 1024,
      p50: pct(latencies, 50), p99: pct(latencies, 99), cpuShare,
    }
  } finally {
    await bench.stopReplicas()
  }
}

const rows = []
try {
  for (const n of (process.env.BENCH_RUNS ?? `${STALLED},0`).split(',').map(Number)) {
    rows.push(await run(n))
    console.error(`run with ${n} stalled sockets done`, rows[rows.length - 1])
  }
} finally {
  await bench.close()
}
const mb = (x: number) => `${x.toFixed(0)} MiB`
const ms = (x: number) => `${x.toFixed(1)} ms`
console.log(`\n1 API process, ${READERS} reading sockets in groups of ${GROUP}; each stalled user is in 1/${SHARE} of the groups. ${RATE} messages/s for ${SECONDS} s, bodies of ${BODY.length} three-byte chars.\n`)
console.log('| stalled sockets | sockets at start → at end | RSS after connect | RSS peak | RSS growth | reading sockets p50 / p99 | frames received / expected | API CPU (cores) |')
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
for (const r of rows) {
  console.log(`| ${r.stalled} | ${r.connected} → ${r.open} | ${mb(r.rssStartMb)} | ${mb(r.rssPeakMb)} | ${mb(r.growthMb)} | ${ms(r.p50)} / ${ms(r.p99)} | ${r.received} / ${r.expected} | ${r.cpuShare.toFixed(2)} |`)
}
const [withStalled, without] = rows
if (withStalled && without && withStalled.stalled > 0 && without.stalled === 0) {
  console.log(`\nRSS growth with ${withStalled.stalled} stalled sockets: ${mb(withStalled.growthMb)} (target ≤ 150 MiB); reading sockets' p99 ${(withStalled.p99 / without.p99).toFixed(2)}× the run without (target ≤ 2×).`)
}
process.exit(0)
