/**
 * Requests/s and p50/p99 of the cached GET /api/v1/courses (20 published courses) next to
 * a bare Bun.serve returning the same bytes, in the same run (alternating rounds, medians).
 * Runs in a throw-away database and Redis prefix.
 * Usage: bun bench/courses.ts [seconds per round=3] [connections=64] [rounds=9]   (needs Postgres + Redis up)
 */
import postgres from 'postgres'
import { apiServer, bareServer, benchDatabase, compare, fmtCompare } from './lib'

const seconds = Number(process.argv[2] ?? 3)
const connections = Number(process.argv[3] ?? 64)
const rounds = Number(process.argv[4] ?? 9)

const db = await benchDatabase('courses')
const api = await apiServer({ DATABASE_URL: db.url })
const sql = postgres(db.url, { max: 1, onnotice: () => {} })
try {
  const [instructor] = await sql<{ id: string }[]>`
    insert into users (email, display_name, role) values ('bench-instructor@example.test', 'Bench Instructor', 'instructor') returning id`
  for (let i = 0; i < 20; i++) {
    const [course] = await sql<{ id: string }[]>`
      insert into courses (instructor_id, slug, title, summary, status, published_at, tags, level)
      values (${instructor!.id}, ${`bench-course-${i}`}, ${`Bench course ${i}`}, 'A course for the benchmark', 'published', now(), ${['bench']}, 'beginner') returning id`
    await sql`insert into lessons (course_id, title, content, position) values (${course!.id}, 'Lesson', 'x', 1)`
  }
  const path = '/api/v1/courses?tag=bench'
  const sample = await fetch(api.url + path)
  const body = await sample.text()
  if (sample.status !== 200 || (JSON.parse(body) as { items: unknown[] }).items.length !== 20) throw new Error(`unexpected catalog answer: ${sample.status}`)
  const bare = await bareServer(body)
  try {
    console.log(fmtCompare(`GET /api/v1/courses (cached, ${body.length} bytes)`, await compare({ base: bare, others: { lyceum: api }, path, rounds, seconds, connections })))
  } finally {
    await bare.stop()
  }
} finally {
  await sql.end()
  await api.stop()
  await db.drop()
}
