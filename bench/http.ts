/**
 * Requests/s and p50/p99 of GET /health/live and of an authenticated JSON route (GET /api/v1/me),
 * each next to a bare Bun.serve returning the same bytes to the same request, in the same run.
 * A third server shows the framework floor: a minimal Elysia app (bench/elysia-floor.ts) that only
 * reads X-Request-Id and sets the security headers SPEC requires, returning the same bytes.
 * The servers are measured in alternating rounds after a warm-up, and the median round is reported.
 * Runs in a throw-away database and Redis prefix.
 * Usage: bun bench/http.ts [seconds per round=3] [connections=64] [rounds=9]   (needs Postgres + Redis up)
 */
import { apiServer, bareServer, benchDatabase, compare, elysiaFloorServer, fmtCompare } from './lib'

const seconds = Number(process.argv[2] ?? 3)
const connections = Number(process.argv[3] ?? 64)
const rounds = Number(process.argv[4] ?? 9)

const db = await benchDatabase('http')
const api = await apiServer({ DATABASE_URL: db.url })
try {
  const email = `bench-${Date.now()}@example.test`
  const reg = await fetch(`${api.url}/api/v1/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'bench-password-123', display_name: 'Bench' }) })
  const { tokens } = (await reg.json()) as { tokens: { access_token: string } }
  const auth = { authorization: `Bearer ${tokens.access_token}` }
  for (const [name, path, headers] of [['GET /health/live', '/health/live', {}], ['GET /api/v1/me (auth)', '/api/v1/me', auth]] as const) {
    const sample = await fetch(api.url + path, { headers })
    if (sample.status !== 200) throw new Error(`${path}: ${sample.status}`)
    const body = await sample.text()
    const bare = await bareServer(body)
    const floor = await elysiaFloorServer(path, body)
    try {
      console.log(fmtCompare(name, await compare({ base: bare, others: { lyceum: api, 'Elysia floor': floor }, path, headers, rounds, seconds, connections })))
    } finally {
      await bare.stop()
      await floor.stop()
    }
  }
} finally {
  await api.stop()
  await db.drop()
}
