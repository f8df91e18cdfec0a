import { afterAll, beforeEach, describe, expect, test } from 'bun:test'
import { call, listenApp, testApp, testAppWith, testWorkers, waitFor } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { connectWs } from '../helpers/ws'
import { startFakeOpenAI } from '../helpers/openai'
import { enrolledStudent, makeCourse } from '../courses/fixtures'
import { generateInsight, type InsightJob } from '../../src/ai/public'
import { writeEvent } from '../../src/platform/outbox'
import type { Logger } from '../../src/platform/log'

const fake = await startFakeOpenAI()
afterAll(() => fake.close())
beforeEach(() => fake.reset())

const insights = async (token: string, query = '') => (await call('GET', `/api/v1/me/insights${query}`, { token })).body

/** A logger that keeps its lines (to check that a dropped insight is logged). */
function recordingLog(lines: { level: string; msg: string; fields?: Record<string, unknown> }[]): Logger {
  const log: Logger = {
    debug: (msg, fields) => void lines.push({ level: 'debug', msg, fields }),
    info: (msg, fields) => void lines.push({ level: 'info', msg, fields }),
    warn: (msg, fields) => void lines.push({ level: 'warn', msg, fields }),
    error: (msg, fields) => void lines.push({ level: 'error', msg, fields }),
    child: () => log,
  }
  return log
}

describe('mentor insights from learning events (worker, offline provider)', () => {
  test('a lesson completion writes an insight, pushed as notification {kind: "mentor_insight"}; GET /me/insights', async () => {
    await testWorkers()
    const { course, lessons } = await makeCourse({ lessons: 2, publish: true })
    const { student } = await enrolledStudent(course.id)
    const { ws } = await listenApp()
    const sock = await connectWs(`${ws}/api/v1/ws`, { authorization: `Bearer ${student.token}` })
    await sock.next('hello')
    await call('POST', `/api/v1/lessons/${lessons[0].id}/complete`, { token: student.token })
    const note = await sock.next('notification', (d) => d.kind === 'mentor_insight', 10000)
    expect(note.data.insight).toMatchObject({ kind: 'lesson_completed', lesson_id: lessons[0].id, course_id: course.id })
    expect(note.data.insight.text).toContain(course.title)
    sock.close()
    const list = await insights(student.token)
    expect(list.items).toHaveLength(1)
    expect(list.items[0]).toMatchObject({ id: note.data.insight.id, kind: 'lesson_completed', text: note.data.insight.text, lesson_id: lessons[0].id, course_id: course.id })
    expect(list.next_cursor).toBeNull()
  })

  test('quiz.passed at 100 % earns 30 XP and "perfect quiz"; quiz.failed writes an insight too', async () => {
    const running = await testWorkers()
    const { deps } = await testApp()
    const s = await newUser()
    const base = { user_id: s.id, lesson_id: crypto.randomUUID(), course_id: crypto.randomUUID(), max_score: 5 }
    // Two quizzes: one insight per (user, quiz) per day (SPEC §12), so each writes one.
    await deps.sql.begin(async (tx) => {
      await writeEvent(tx, 'quiz.failed', { ...base, quiz_id: crypto.randomUUID(), attempt_id: crypto.randomUUID(), score: 1, percentage: 20 })
      await writeEvent(tx, 'quiz.passed', { ...base, quiz_id: crypto.randomUUID(), attempt_id: crypto.randomUUID(), score: 5, percentage: 100 })
    })
    await running.dispatch()
    const list = await waitFor(async () => { const b = await insights(s.token); return b.items.length === 2 && b }, { what: 'two insights' })
    expect(list.items.map((i: any) => i.kind).sort()).toEqual(['quiz_failed', 'quiz_passed'])
    const p = await waitFor(async () => { const b = (await call('GET', '/api/v1/me/progress', { token: s.token })).body; return b.xp === 30 && b })
    expect(p.achievements.map((a: any) => a.key).sort()).toEqual(['first_quiz', 'perfect_quiz'])
  })

  test('GET /me/insights: 401 without a token, 422 on a bad cursor, paging', async () => {
    expect((await call('GET', '/api/v1/me/insights')).status).toBe(401)
    const s = await newUser()
    expect((await call('GET', '/api/v1/me/insights?cursor=nope', { token: s.token })).status).toBe(422)
    const { deps } = await testApp()
    for (let i = 0; i < 3; i++) {
      await generateInsight(deps, { kind: 'lesson_completed', user_id: s.id, course_id: crypto.randomUUID(), lesson_id: crypto.randomUUID(), source_id: `l${i}` })
    }
    const first = await insights(s.token, '?limit=2')
    expect(first.items).toHaveLength(2)
    const rest = await insights(s.token, `?limit=2&cursor=${first.next_cursor}`)
    expect(rest.items).toHaveLength(1)
    expect(new Set([...first.items, ...rest.items].map((i: any) => i.id)).size).toBe(3)
  })
})

describe('insights against an OpenAI-compatible endpoint', () => {
  const job = (userId: string, sourceId = crypto.randomUUID()): InsightJob => ({ kind: 'lesson_completed', user_id: userId, course_id: crypto.randomUUID(), lesson_id: crypto.randomUUID(), source_id: sourceId })

  test('valid JSON is stored once; a malformed answer is retried once, then dropped with a log line', async () => {
    const { deps } = await testAppWith(fake.env())
    const lines: { level: string; msg: string }[] = []
    const d = { ...deps, log: recordingLog(lines) }
    const s = await newUser()

    fake.script({ text: 'not json at all' }, { text: '{"text": ""}' })
    expect(await generateInsight(d, job(s.id))).toBeNull()
    expect(fake.requests).toHaveLength(2)
    expect(lines.some((l) => l.level === 'warn' && l.msg.includes('insight dropped'))).toBe(true)
    expect((await insights(s.token)).items).toHaveLength(0)

    fake.script({ text: 'oops' }, { text: '{"text": "Summarise the lesson in one sentence."}' })
    const j = job(s.id)
    const stored = await generateInsight(d, j)
    expect(stored?.text).toBe('Summarise the lesson in one sentence.')
    expect(fake.requests.at(-1)!.body.response_format).toEqual({ type: 'json_object' })
    const before = fake.requests.length
    expect(await generateInsight(d, j)).toBeNull() // the same cause again: no model call, no second row
    expect(fake.requests.length).toBe(before)
    expect((await insights(s.token)).items.map((i: any) => i.text)).toEqual(['Summarise the lesson in one sentence.'])
  })

  test('provider failure throws ai_unavailable (the job is retried by the queue)', async () => {
    const { deps } = await testAppWith(fake.env({ OPENAI_TIMEOUT_MS: '400' }))
    const s = await newUser()
    fake.script({ status: 500 }, { status: 500 })
    await expect(generateInsight(deps, job(s.id))).rejects.toMatchObject({ status: 503, code: 'ai_unavailable' })
  })
})
