/**
 * Requests/s and p50/p99 of GET /health/live and of an authenticated JSON route (GET /api/v1/me),
 * each next to a bare Bun.serve returning the same bytes, in the same run. The two servers are
 * measured in alternating rounds after a warm-up, and the median round is reported, so that
 * drift on a shared machine hits both sides alike.
 * Usage: bun bench/http.ts [seconds per round=3] [connections=64] [rounds=3]   (needs Postgres + Redis up)
 */
import { apiServer, bareServer, fmt, load, type LoadResult } from './lib'

const seconds = Number(process.argv[2] ?? 3)
const connections = Number(process.argv[3] ?? 64)
const rounds = Number(process.argv[4] ?? 3)
const median = (xs: LoadResult[]) => [...xs].sort((a, b) => a.rps - b.rps)[Math.floor(xs.length / 2)]!

const api = await apiServer({ REDIS_PREFIX: `lyceum-bench-${process.pid}` })
try {
  const email = `bench-${Date.now()}@example.test`
  const reg = await fetch(`${api.url}/api/v1/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'bench-password-123', display_name: 'Bench' }) })
  const { tokens } = (await reg.json()) as { tokens: { access_token: string } }
  const auth = { authorization: `Bearer ${tokens.access_token}` }
  for (const [name, path, headers] of [['GET /health/live', '/health/live', {}], ['GET /api/v1/me (auth)', '/api/v1/me', auth]] as const) {
    const sample = await fetch(api.url + path, { headers })
    const bare = await bareServer(await sample.text())
    await load({ url: api.url + path, headers, connections, seconds: 2 }) // warm-up (JIT, pools)
    await load({ url: bare.url, connections, seconds: 1 })
    const ours: LoadResult[] = []
    const base: LoadResult[] = []
    for (let r = 0; r < rounds; r++) {
      ours.push(await load({ url: api.url + path, headers, connections, seconds }))
      base.push(await load({ url: bare.url, connections, seconds }))
    }
    bare.stop()
    const ratios = ours.map((o, i) => o.rps / base[i]!.rps).sort((a, b) => a - b)
    console.log(`${name}\n  lyceum   ${fmt(median(ours))}\n  bare Bun ${fmt(median(base))}\n  ratio    ${ratios[Math.floor(ratios.length / 2)]!.toFixed(2)} (rounds: ${ratios.map((x) => x.toFixed(2)).join(', ')})`)
  }
} finally {
  api.stop()
}
