/**
 * Password logins/s (argon2id on Bun's thread pool) and what they do to the event loop: the
 * p50/p99 of GET /health/live alone, then while `connections` clients log in as fast as they can.
 * Runs in a throw-away database and Redis prefix.
 * Usage: bun bench/auth.ts [seconds=5] [connections=32]   (needs Postgres + Redis up)
 */
import { apiServer, benchDatabase, fmt, load, type LoadResult } from './lib'

const seconds = Number(process.argv[2] ?? 5)
const connections = Number(process.argv[3] ?? 32)
const PASSWORD = 'bench-password-lyceum-42'
// Login limits are per IP and per account: spread the load over fake client IPs (TRUST_PROXY=1).
const ip = () => `10.${(Math.random() * 255) | 0}.${(Math.random() * 255) | 0}.${(Math.random() * 255) | 0}`
const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip() }, body: JSON.stringify(body) })

/** Closed-loop logins over `users` for `seconds`. */
async function loginLoad(url: string, users: string[]): Promise<LoadResult> {
  const until = performance.now() + seconds * 1000
  const latencies: number[] = []
  let errors = 0
  let i = 0
  const loop = async () => {
    while (performance.now() < until) {
      const t0 = performance.now()
      const r = await post(`${url}/api/v1/auth/login`, { email: users[i++ % users.length], password: PASSWORD }).catch(() => null)
      if (r) await r.arrayBuffer()
      if (r?.status !== 200) errors++
      latencies.push(performance.now() - t0)
    }
  }
  const start = performance.now()
  await Promise.all(Array.from({ length: connections }, loop))
  latencies.sort((a, b) => a - b)
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0
  return { requests: latencies.length, errors, rps: latencies.length / ((performance.now() - start) / 1000), p50: pct(50), p99: pct(99) }
}

/** Raw argon2id verifications/s with the API's parameters (the ceiling for logins/s on this host). */
async function argon2Rate(): Promise<number> {
  const hash = await Bun.password.hash(PASSWORD, { algorithm: 'argon2id', memoryCost: 19456, timeCost: 2 })
  const until = performance.now() + 2000
  let n = 0
  const start = performance.now()
  await Promise.all(Array.from({ length: navigator.hardwareConcurrency * 2 }, async () => {
    while (performance.now() < until) { await Bun.password.verify(PASSWORD, hash); n++ }
  }))
  return n / ((performance.now() - start) / 1000)
}
const ceiling = await argon2Rate()

const db = await benchDatabase('auth')
const api = await apiServer({ DATABASE_URL: db.url, TRUST_PROXY: '1' })
try {
  const users = await Promise.all(
    Array.from({ length: 16 }, async (_, n) => {
      const email = `bench-auth-${process.pid}-${n}@example.test`
      const r = await post(`${api.url}/api/v1/auth/register`, { email, password: PASSWORD, display_name: `Bench ${n}` })
      if (r.status !== 201) throw new Error(`register: ${r.status} ${await r.text()}`)
      return email
    }),
  )
  const health = `${api.url}/health/live`
  await load({ url: health, connections: 4, seconds: 1 })
  const idle = await load({ url: health, connections: 4, seconds })
  const [logins, busy] = await Promise.all([loginLoad(api.url, users), load({ url: health, connections: 4, seconds })])
  console.log(`cpus ${navigator.hardwareConcurrency}, ${connections} login clients, ${seconds} s; bare argon2id verifies/s on this host: ${ceiling.toFixed(1)}`)
  console.log(`POST /auth/login         ${fmt(logins)}`)
  console.log(`GET /health/live idle    ${fmt(idle)}`)
  console.log(`GET /health/live loaded  ${fmt(busy)}`)
} finally {
  await api.stop()
  await db.drop()
}
