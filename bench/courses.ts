/**
 * Requests/s and p50/p99 of the cached GET /api/v1/courses (20 published courses) next to
 * a bare Bun.serve returning the same bytes, in the same run.
 * Usage: bun bench/courses.ts [seconds=5] [connections=64]   (needs Postgres + Redis up)
 */
import postgres from 'postgres'
import { config } from '../src/platform/config'
import { apiServer, bareServer, fmt, load } from './lib'

const seconds = Number(process.argv[2] ?? 5)
const connections = Number(process.argv[3] ?? 64)
const api = await apiServer({ REDIS_PREFIX: `lyceum-bench-${process.pid}` })
const sql = postgres(config.DATABASE_URL, { max: 1, onnotice: () => {} })
try {
  const tag = `bench${Date.now().toString(36)}`
  const [instructor] = await sql<{ id: string }[]>`
    insert into users (email, display_name, role) values (${`${tag}@example.test`}, 'Bench Instructor', 'instructor') returning id`
  for (let i = 0; i < 20; i++) {
    const [course] = await sql<{ id: string }[]>`
      insert into courses (instructor_id, slug, title, summary, status, published_at, tags, level)
      values (${instructor!.id}, ${`${tag}-${i}`}, ${`Bench course ${i}`}, 'A course for the benchmark', 'published', now(), ${[tag]}, 'beginner') returning id`
    await sql`insert into lessons (course_id, title, content, position) values (${course!.id}, 'Lesson', 'x', 1)`
  }
  const path = `/api/v1/courses?tag=${tag}`
  const sample = await fetch(api.url + path)
  const body = await sample.text()
  if (sample.status !== 200 || (JSON.parse(body) as { items: unknown[] }).items.length !== 20) throw new Error(`unexpected catalog answer: ${sample.status}`)
  const bare = await bareServer(body)
  await load({ url: api.url + path, connections, seconds: 1 }) // warm-up (fills the cache)
  const lyceum = await load({ url: api.url + path, connections, seconds })
  const baseline = await load({ url: bare.url, connections, seconds })
  bare.stop()
  console.log(`GET /api/v1/courses (cached, ${body.length} bytes)\n  lyceum   ${fmt(lyceum)}\n  bare Bun ${fmt(baseline)}\n  ratio    ${(lyceum.rps / baseline.rps).toFixed(2)}`)
  await sql`delete from courses where instructor_id = ${instructor!.id}`
  await sql`delete from users where id = ${instructor!.id}`
} finally {
  await sql.end()
  api.stop()
}
