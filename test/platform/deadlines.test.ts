/**
 * Fail fast, never commit late (SPEC §13): a stalled TCP path in front of the real Postgres or
 * Redis (the proxy holds every byte, as a frozen network would) must turn requests that need it
 * into 503 `unavailable` within 2.5 s, and a write answered that way must never be committed
 * when the path resumes.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { call, testApp, testAppWith, waitFor } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { stallableProxy } from '../helpers/proxy'

const closers: (() => unknown)[] = []
// The production deadlines (test/setup.ts makes them roomy for the rest of the suite).
const DEADLINES = { DATABASE_QUERY_TIMEOUT_MS: '2000', DATABASE_TRANSACTION_TIMEOUT_MS: '2100', DATABASE_STATEMENT_TIMEOUT_MS: '2000', REDIS_COMMAND_TIMEOUT_MS: '2000' }
afterAll(async () => {
  for (const c of closers.reverse()) await Promise.resolve().then(c).catch(() => {})
})

async function timed<T>(p: Promise<T>): Promise<T & { ms: number }> {
  const start = performance.now()
  const r = await p
  return Object.assign(r as object, { ms: performance.now() - start }) as T & { ms: number }
}

describe('Postgres stalled', () => {
  test('requests answer 503 unavailable within 2.5 s; a timed-out write is never committed later', async () => {
    const pg = new URL(process.env.DATABASE_URL!)
    const proxy = await stallableProxy({ port: Number(pg.port || 5432) })
    closers.push(() => proxy.close())
    pg.port = String(proxy.port)
    const { app, deps } = await testAppWith({ ...DEADLINES, DATABASE_URL: pg.toString() })
    closers.push(() => deps.close())
    const user = await newUser()

    // Warm: the pool has live connections through the proxy.
    expect((await call('GET', '/api/v1/me/sessions', { token: user.token }, app)).status).toBe(200)
    expect((await call('PATCH', '/api/v1/me', { token: user.token, body: { display_name: 'before the stall' } }, app)).status).toBe(200)

    proxy.stall()
    const results = await Promise.all([
      timed(call('PATCH', '/api/v1/me', { token: user.token, body: { display_name: 'late write' } }, app)),
      ...Array.from({ length: 4 }, () => timed(call('GET', '/api/v1/me/sessions', { token: user.token }, app))),
      timed(call('GET', '/health/ready', {}, app)),
    ])
    const ready = results.pop()!
    for (const r of results) {
      expect(r.status).toBe(503)
      expect(r.body.error.code).toBe('unavailable')
      expect(r.ms).toBeLessThan(2500)
    }
    expect(ready.status).toBe(503)
    expect(ready.body.checks.postgres.status).toBe('down')
    expect(ready.body.checks.redis.status).toBe('ok')
    // Later requests fail just as fast while it stays stalled.
    const again = await timed(call('GET', '/api/v1/me/sessions', { token: user.token }, app))
    expect(again.status).toBe(503)
    expect(again.ms).toBeLessThan(2500)

    proxy.resume()
    const recovered = await waitFor(async () => {
      const r = await call('PATCH', '/api/v1/me', { token: user.token, body: { display_name: 'after recovery' } }, app)
      return r.status === 200 ? r : null
    }, { timeoutMs: 10000, what: 'writes succeed again' })
    expect(recovered.body.display_name).toBe('after recovery')
    const { deps: direct } = await testApp()
    // The abandoned write never lands, not even after later ones.
    const [row] = await direct.sql<{ display_name: string }[]>`select display_name from users where id = ${user.id}`
    expect(row!.display_name).toBe('after recovery')
    const [late] = await direct.sql<{ n: number }[]>`select count(*)::int as n from users where id = ${user.id} and display_name = 'late write'`
    expect(late!.n).toBe(0)
  }, 30_000)

  test('a transaction whose BEGIN was held past its deadline rolls back instead of committing', async () => {
    const pg = new URL(process.env.DATABASE_URL!)
    const proxy = await stallableProxy({ port: Number(pg.port || 5432) })
    closers.push(() => proxy.close())
    pg.port = String(proxy.port)
    // A stall window longer than the transaction deadline: the connection is not reset before the
    // path resumes, so the held BEGIN and the statements after it do reach the server.
    const { deps } = await testAppWith({ ...DEADLINES, DATABASE_URL: pg.toString(), DATABASE_QUERY_TIMEOUT_MS: '5000', DATABASE_TRANSACTION_TIMEOUT_MS: '500' })
    closers.push(() => deps.close())
    const marker = `deadline-${crypto.randomUUID()}`
    const { deps: direct } = await testApp()
    await direct.sql`create table if not exists deadline_probe (marker text not null)`
    await deps.sql`select 1`
    proxy.stall()
    const started = performance.now()
    const err = await deps.sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext(${marker}))`
      await tx`insert into deadline_probe (marker) values (${marker})`
    }).catch((e) => e)
    expect(performance.now() - started).toBeLessThan(1000)
    expect(err?.name).toBe('DeadlineError')
    proxy.resume()
    // The pool is usable again, and the held transaction was rolled back, not committed.
    await waitFor(async () => (await deps.sql`select 1 as one`)[0]?.one === 1, { what: 'pool usable' })
    await waitFor(async () => (await direct.sql`select count(*)::int as n from pg_stat_activity where state like 'idle in transaction%' and query like ${'%' + marker + '%'}`)[0]!.n === 0, { what: 'no open transaction' })
    const [row] = await direct.sql<{ n: number }[]>`select count(*)::int as n from deadline_probe where marker = ${marker}`
    expect(row!.n).toBe(0)
  }, 30_000)
})

describe('Redis stalled', () => {
  test('a request that needs Redis answers 503 within 2.5 s; readiness names Redis', async () => {
    const proxy = await stallableProxy({ port: Number(new URL(process.env.REDIS_URL!).port || 6379) })
    closers.push(() => proxy.close())
    const { app, deps } = await testAppWith({ ...DEADLINES, REDIS_URL: `redis://127.0.0.1:${proxy.port}` })
    closers.push(() => deps.close())
    const body = { email: `nobody-${crypto.randomUUID()}@example.test`, password: 'wrong password 123' }
    expect((await call('POST', '/api/v1/auth/login', { body }, app)).status).toBe(401)

    proxy.stall()
    const [login, ready] = await Promise.all([timed(call('POST', '/api/v1/auth/login', { body }, app)), timed(call('GET', '/health/ready', {}, app))])
    expect(login.status).toBe(503)
    expect(login.body.error.code).toBe('unavailable')
    expect(login.ms).toBeLessThan(2500)
    expect(ready.status).toBe(503)
    expect(ready.body.checks.redis.status).toBe('down')
    expect(ready.body.checks.postgres.status).toBe('ok')

    proxy.resume()
    await waitFor(async () => (await call('POST', '/api/v1/auth/login', { body }, app)).status === 401, { what: 'Redis answers again' })
  }, 30_000)
})
