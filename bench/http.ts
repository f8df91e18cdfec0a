/**
 * Requests/s and p50/p99 of GET /health/live and of an authenticated JSON route (GET /api/v1/me),
 * each next to a bare Bun.serve returning the same bytes, in the same run.
 * Usage: bun bench/http.ts [seconds=5] [connections=64]   (needs Postgres + Redis up)
 */
import { apiServer, bareServer, fmt, load } from './lib'

const seconds = Number(process.argv[2] ?? 5)
const connections = Number(process.argv[3] ?? 64)
const api = await apiServer({ REDIS_PREFIX: `lyceum-bench-${process.pid}` })
try {
  const email = `bench-${Date.now()}@example.test`
  const reg = await fetch(`${api.url}/api/v1/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'bench-password-123', display_name: 'Bench' }) })
  const { tokens } = (await reg.json()) as { tokens: { access_token: string } }
  const auth = { authorization: `Bearer ${tokens.access_token}` }
  const rows: [string, string, string][] = []
  for (const [name, path, headers] of [['GET /health/live', '/health/live', {}], ['GET /api/v1/me (auth)', '/api/v1/me', auth]] as const) {
    const sample = await fetch(api.url + path, { headers })
    const bare = await bareServer(await sample.text())
    await load({ url: api.url + path, headers, connections, seconds: 1 }) // warm-up
    const lyceum = await load({ url: api.url + path, headers, connections, seconds })
    const baseline = await load({ url: bare.url, connections, seconds })
    bare.stop()
    rows.push([name, fmt(lyceum), fmt(baseline)])
    console.log(`${name}\n  lyceum   ${fmt(lyceum)}\n  bare Bun ${fmt(baseline)}\n  ratio    ${(lyceum.rps / baseline.rps).toFixed(2)}`)
  }
} finally {
  api.stop()
}
