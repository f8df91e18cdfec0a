/**
 * The cost of a limited request (SPEC §12, issue 14): server CPU per request for a send refused
 * with 429 (`POST /conversations/:id/messages` with an empty bucket: token check, Redis
 * script, error envelope) next to a cached `GET /courses`, on one production API process.
 * Rounds alternate so that drift on a shared machine hits both alike. Target: ≤ 2× the GET.
 * Usage: bun bench/limits.ts [seconds=4] [connections=32] [rounds=3]   (needs Postgres + Redis up)
 */
import { apiServer, benchDatabase, cpuMs, fmt, loadFn, type LoadResult } from './lib'

const seconds = Number(process.argv[2] ?? 4)
const connections = Number(process.argv[3] ?? 32)
const rounds = Number(process.argv[4] ?? 3)

const db = await benchDatabase('limits')
let api: Awaited<ReturnType<typeof apiServer>> | undefined
try {
  // One token a minute and a burst of one: after the first send every send is refused.
  api = await apiServer({ DATABASE_URL: db.url, LIMIT_MESSAGES_PER_MIN: '1', LIMIT_MESSAGES_BURST: '1' })
  const base = `${api.url}/api/v1`
  const json = { 'content-type': 'application/json' }
  const register = async (tag: string) => {
    const r = await fetch(`${base}/auth/register`, { method: 'POST', headers: json, body: JSON.stringify({ email: `${tag}-${Date.now()}@bench.test`, password: 'bench-password-1234', display_name: tag }) })
    if (r.status !== 201) throw new Error(`register ${r.status} ${await r.text()}`)
    const b = (await r.json()) as { user: { id: string }; tokens: { access_token: string } }
    return { id: b.user.id, auth: { authorization: `Bearer ${b.tokens.access_token}` } }
  }
  const [alice, bob] = [await register('alice'), await register('bob')]
  const conv = (await (await fetch(`${base}/conversations`, { method: 'POST', headers: { ...json, ...alice.auth }, body: JSON.stringify({ type: 'direct', participant_ids: [bob.id] }) })).json()) as { id: string }
  const sendUrl = `${base}/conversations/${conv.id}/messages`
  const sendBody = JSON.stringify({ body: 'hello' })
  if ((await fetch(sendUrl, { method: 'POST', headers: { ...json, ...alice.auth }, body: sendBody })).status !== 201) throw new Error('first send failed')

  const cases: Record<string, () => Promise<unknown>> = {
    'GET /courses (cached)': async () => {
      const r = await fetch(`${base}/courses`)
      await r.arrayBuffer()
      if (r.status !== 200) throw new Error(`status ${r.status}`)
    },
    'POST …/messages → 429': async () => {
      const r = await fetch(sendUrl, { method: 'POST', headers: { ...json, ...alice.auth }, body: sendBody })
      await r.arrayBuffer()
      if (r.status !== 429) throw new Error(`status ${r.status}`)
    },
  }
  const totals = new Map(Object.keys(cases).map((k) => [k, { ms: 0, requests: 0, results: [] as LoadResult[] }]))
  for (const fn of Object.values(cases)) await loadFn(fn, { connections, seconds: 1 }) // warm-up
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(cases)) {
      const before = cpuMs(api.pid)
      const result = await loadFn(fn, { connections, seconds })
      const after = cpuMs(api.pid)
      const t = totals.get(name)!
      if (before !== undefined && after !== undefined) t.ms += after - before
      t.requests += result.requests
      t.results.push(result)
    }
  }
  const us = (name: string) => { const t = totals.get(name)!; return (t.ms * 1000) / t.requests }
  console.log(`cost of a limited request (${rounds} rounds × ${seconds} s, ${connections} connections, one API process)`)
  for (const name of Object.keys(cases)) {
    const t = totals.get(name)!
    const mid = [...t.results].sort((a, b) => a.rps - b.rps)[Math.floor(t.results.length / 2)]!
    console.log(`  ${name.padEnd(24)} ${fmt(mid)}  server CPU ${us(name).toFixed(1)} µs/request`)
  }
  const [get, limited] = Object.keys(cases).map(us) as [number, number]
  console.log(`  429 / cached GET: ${(limited / get).toFixed(2)}× (target ≤ 2×)`)
} finally {
  await api?.stop()
  await db.drop()
}
