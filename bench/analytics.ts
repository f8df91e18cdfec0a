/**
 * p50/p99 of GET /api/v1/courses/:id/analytics for a course with 100,000 enrollments and
 * 1,000,000 graded quiz attempts (SPEC §14 target: p50 ≤ 50 ms), seeded with
 * generate_series in a throw-away database. Bulk rows are loaded with triggers off and the
 * trigger-kept counters are then rebuilt in one pass each (the way migration 0090 backfills
 * them), which is what the triggers would have produced row by row.
 * Usage: bun bench/analytics.ts [seconds=5] [enrollments=100000] [attempts per learner and quiz=2]   (needs Postgres + Redis up)
 */
import postgres from 'postgres'
import { apiServer, benchDatabase, fmt, load } from './lib'

const seconds = Number(process.argv[2] ?? 5)
const learners = Number(process.argv[3] ?? 100_000)
const perQuiz = Number(process.argv[4] ?? 2)
const LESSONS = 10
const QUIZZES = 5 // on lessons 1, 3, 5, 7, 9; 4 questions each → learners × 5 × perQuiz attempts
const PASSWORD = 'bench-password-0123456789'

const db = await benchDatabase('analytics')
const api = await apiServer({ DATABASE_URL: db.url })
const sql = postgres(db.url, { max: 1, onnotice: () => {} })
const post = async (path: string, body: unknown, token?: string) => {
  const r = await fetch(api.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) })
  if (r.status >= 300) throw new Error(`${path}: ${r.status} ${await r.text()}`)
  return r.json() as Promise<any>
}
const put = async (path: string, body: unknown, token: string) => {
  const r = await fetch(api.url + path, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) })
  if (r.status >= 300) throw new Error(`${path}: ${r.status} ${await r.text()}`)
  return r.json() as Promise<any>
}
const time = async <T>(label: string, fn: () => Promise<T>) => {
  const t0 = performance.now()
  const v = await fn()
  console.log(`  ${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  return v
}

try {
  // the owner and the course (through the API, so lessons, quizzes and question ids are real)
  const reg = await post('/api/v1/auth/register', { email: 'bench-owner@example.test', password: PASSWORD, display_name: 'Bench Owner' })
  await sql`update users set role = 'instructor' where id = ${reg.user.id}`
  const { tokens } = await post('/api/v1/auth/login', { email: 'bench-owner@example.test', password: PASSWORD })
  const token: string = tokens.access_token
  const course = await post('/api/v1/courses', { title: 'Analytics bench course' }, token)
  const lessonIds: string[] = []
  for (let i = 1; i <= LESSONS; i++) lessonIds.push((await post(`/api/v1/courses/${course.id}/lessons`, { title: `Lesson ${i}`, content: 'x' }, token)).id)
  for (let k = 0; k < QUIZZES; k++) {
    await put(`/api/v1/lessons/${lessonIds[k * 2]}/quiz`, {
      title: `Quiz ${k + 1}`, pass_percentage: 60,
      questions: Array.from({ length: 4 }, (_, j) => ({ type: 'true_false', prompt: `Statement ${k + 1}.${j + 1}`, points: j + 1, answer: 'true' })),
    }, token)
  }
  await post(`/api/v1/courses/${course.id}/publish`, {}, token)

  console.log(`seeding ${learners} enrollments and ${learners * QUIZZES * perQuiz} attempts:`)
  await sql`set session_replication_role = replica` // bulk load without row triggers; counters rebuilt below
  await time('users', () => sql`insert into users (email, display_name) select 'learner-' || g || '@example.test', 'Learner ' || g from generate_series(1, ${learners}) g`)
  await time('enrollments', () => sql`
    insert into enrollments (user_id, course_id, status, total_lessons, completed_lessons_count, progress_percentage, completed_at, started_at)
    select u.id, ${course.id}, case when n % 10 = 0 then 'completed' else 'active' end, ${LESSONS},
      case when n % 10 = 0 then ${LESSONS} else n % ${LESSONS} end, case when n % 10 = 0 then 100 else (n % ${LESSONS}) * 10 end,
      case when n % 10 = 0 then now() end, case when n % 4 <> 3 then now() end
    from (select id, row_number() over () as n from users where email like 'learner-%') u`)
  await time('lesson progress', () => sql`
    insert into lesson_progress (user_id, lesson_id, course_id, status, progress_percent, completed_at)
    select e.user_id, l.id, ${course.id}, case when l.position <= e.completed_lessons_count then 'completed' else 'in_progress' end,
      case when l.position <= e.completed_lessons_count then 100 else 40 end, case when l.position <= e.completed_lessons_count then now() end
    from enrollments e join lessons l on l.course_id = e.course_id and l.position <= e.completed_lessons_count + 1
    where e.course_id = ${course.id} and e.started_at is not null`)
  await time('attempts', () => sql`
    insert into quiz_attempts (quiz_id, user_id, attempt_number, status, questions, answers, results, pass_percentage, started_at, submitted_at, score, max_score, percentage, passed)
    select z.id, e.user_id, a, 'submitted', '[]', '[]', r.results, 60, now(), now(), r.score, 10, r.score * 10, r.score >= 6
    from enrollments e cross join quizzes z cross join generate_series(1, ${perQuiz}) a
    cross join lateral (
      select jsonb_agg(jsonb_build_object('question_id', q.id, 'correct', c.ok, 'points', case when c.ok then q.points else 0 end, 'needs_review', false) order by q.position) as results,
        sum(case when c.ok then q.points else 0 end) as score
      from quiz_questions q cross join lateral (select abs(hashtext(e.user_id::text || q.id::text || a) % 10) < 7 as ok) c
      where q.quiz_id = z.id
    ) r
    where e.course_id = ${course.id} and z.lesson_id = any(${lessonIds}::uuid[])`)
  await sql`set session_replication_role = origin`
  await time('counters', async () => {
    await sql`insert into course_stats (course_id, enrolled, started, completed)
      select course_id, count(*) filter (where status <> 'revoked'), count(*) filter (where status <> 'revoked' and started_at is not null),
        count(*) filter (where status = 'completed') from enrollments group by course_id
      on conflict (course_id) do update set enrolled = excluded.enrolled, started = excluded.started, completed = excluded.completed`
    await sql`insert into lesson_stats (lesson_id, started, completed)
      select lesson_id, count(*), count(*) filter (where status = 'completed') from lesson_progress group by lesson_id
      on conflict (lesson_id) do update set started = excluded.started, completed = excluded.completed`
    await sql`insert into quiz_question_stats (quiz_id, question_id, attempts, correct, points)
      select a.quiz_id, r.question_id, count(*), count(*) filter (where r.correct), coalesce(sum(r.points), 0)
      from quiz_attempts a, jsonb_to_recordset(a.results) as r(question_id uuid, correct boolean, points double precision)
      where a.results is not null group by 1, 2
      on conflict (quiz_id, question_id) do update set attempts = excluded.attempts, correct = excluded.correct, points = excluded.points`
  })
  await time('vacuum analyze', () => sql`vacuum analyze`)
  const [counts] = await sql<{ e: number; a: number }[]>`select (select count(*)::int from enrollments) as e, (select count(*)::int from quiz_attempts) as a`

  const path = `/api/v1/courses/${course.id}/analytics`
  const headers = { authorization: `Bearer ${token}` }
  const sample = await (await fetch(api.url + path, { headers })).json() as any
  console.log(`course: ${counts!.e} enrollments, ${counts!.a} attempts → enrolled ${sample.enrolled}, started ${sample.started}, completed ${sample.completed}, ${sample.lessons.length} lessons, ${sample.questions.length} questions (q1: ${sample.questions[0].attempts} answers, correct rate ${sample.questions[0].correct_rate})`)
  await load({ url: api.url + path, headers, connections: 1, seconds: 1 }) // warm-up
  console.log(`GET ${path.replace(course.id, ':id')}  1 connection:   ${fmt(await load({ url: api.url + path, headers, connections: 1, seconds }))}`)
  console.log(`GET ${path.replace(course.id, ':id')}  8 connections:  ${fmt(await load({ url: api.url + path, headers, connections: 8, seconds }))}`)
} finally {
  await sql.end()
  await api.stop()
  if (process.env.BENCH_KEEP_DB) console.log(`kept ${db.url}`)
  else await db.drop()
}
