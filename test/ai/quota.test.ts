/**
 * SPEC §12: every AI provider call a user causes counts against AI_DAILY_MESSAGES, reserved
 * before the call; worker insights are written at most once per (user, lesson) and
 * (user, quiz) per UTC day.
 */
import { describe, expect, test } from 'bun:test'
import { call, testApp, testAppWith } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { generateInsight, type InsightJob } from '../../src/ai/public'
import { makeScenario } from './fixtures'

const usedToday = async (sql: any, userId: string) =>
  ((await sql`select messages from ai_usage where user_id = ${userId} and day = ${new Date().toISOString().slice(0, 10)}`)[0]?.messages ?? 0) as number

describe('AI_DAILY_MESSAGES counts every provider call', () => {
  test('scenario opening, persona reply and assessment each count; the next call past the quota is 429 ai_quota_exceeded', async () => {
    const { app, deps } = await testAppWith({ AI_DAILY_MESSAGES: '3' })
    const author = await newUser({ role: 'instructor' })
    const scenario = await makeScenario(author, {}, app)
    const learner = await newUser()
    const start = await call('POST', `/api/v1/scenarios/${scenario.id}/sessions`, { token: learner.token }, app)
    expect(start.status).toBe(201)
    expect(await usedToday(deps.sql, learner.id)).toBe(1)
    expect((await call('POST', `/api/v1/scenario-sessions/${start.body.id}/messages`, { token: learner.token, body: { body: 'Sorry!' } }, app)).status).toBe(201)
    expect(await usedToday(deps.sql, learner.id)).toBe(2)
    const resolved = await call('POST', `/api/v1/scenario-sessions/${start.body.id}/resolve`, { token: learner.token }, app)
    expect(resolved.status).toBe(200)
    expect(await usedToday(deps.sql, learner.id)).toBe(3)
    for (const r of [
      await call('POST', `/api/v1/scenarios/${scenario.id}/sessions`, { token: learner.token }, app),
      await call('POST', '/api/v1/ai/chat', { token: learner.token, body: { message: 'hi' } }, app),
    ]) {
      expect(r.status).toBe(429)
      expect(r.body.error.code).toBe('ai_quota_exceeded')
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    }
    expect((await deps.sql`select count(*)::int as n from scenario_sessions where user_id = ${learner.id}`)[0]!.n).toBe(1)
    const metrics = (await call('GET', '/metrics', {}, app)).text
    expect(metrics).toMatch(/^lyceum_rate_limited_total\{limit="ai_daily_messages"\} 2$/m)
  })

  test('the assessment is refused at the quota and the session stays active', async () => {
    const { app } = await testAppWith({ AI_DAILY_MESSAGES: '2' })
    const author = await newUser({ role: 'instructor' })
    const scenario = await makeScenario(author, {}, app)
    const learner = await newUser()
    const start = await call('POST', `/api/v1/scenarios/${scenario.id}/sessions`, { token: learner.token }, app)
    expect((await call('POST', `/api/v1/scenario-sessions/${start.body.id}/messages`, { token: learner.token, body: { body: 'Sorry!' } }, app)).status).toBe(201)
    const over = await call('POST', `/api/v1/scenario-sessions/${start.body.id}/resolve`, { token: learner.token }, app)
    expect(over.status).toBe(429)
    expect(over.body.error.code).toBe('ai_quota_exceeded')
    expect((await call('GET', `/api/v1/scenario-sessions/${start.body.id}`, { token: learner.token }, app)).body.status).toBe('active')
  })

  test('10 parallel calls with 3 left: exactly 3 succeed', async () => {
    const { app, deps } = await testAppWith({ AI_DAILY_MESSAGES: '5' })
    const author = await newUser({ role: 'instructor' })
    const scenario = await makeScenario(author, {}, app)
    const learner = await newUser()
    for (let i = 0; i < 2; i++) expect((await call('POST', '/api/v1/ai/chat', { token: learner.token, body: { message: `q${i}` } }, app)).status).toBe(200)
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      i % 2 ? call('POST', `/api/v1/scenarios/${scenario.id}/sessions`, { token: learner.token }, app) : call('POST', '/api/v1/ai/chat', { token: learner.token, body: { message: `p${i}` } }, app)))
    const ok = results.filter((r) => r.status === 200 || r.status === 201)
    const refused = results.filter((r) => r.status === 429)
    expect(ok).toHaveLength(3)
    expect(refused).toHaveLength(7)
    expect(refused.every((r) => r.body.error.code === 'ai_quota_exceeded')).toBe(true)
    expect(await usedToday(deps.sql, learner.id)).toBe(5)
  })

  test('AI_DAILY_MESSAGES=0 turns the quota off', async () => {
    const { app } = await testAppWith({ AI_DAILY_MESSAGES: '0' })
    const learner = await newUser()
    for (let i = 0; i < 3; i++) expect((await call('POST', '/api/v1/ai/chat', { token: learner.token, body: { message: `q${i}` } }, app)).status).toBe(200)
  })
})

describe('worker insights: at most 1 per (user, lesson) and 1 per (user, quiz) per UTC day', () => {
  test('a second cause for the same lesson or quiz on the same day is skipped without a provider call; other lessons/quizzes still get one', async () => {
    const { deps } = await testApp()
    const s = await newUser()
    const lesson = crypto.randomUUID()
    const quiz = crypto.randomUUID()
    const course = crypto.randomUUID()
    const lessonJob = (source: string): InsightJob => ({ kind: 'lesson_completed', user_id: s.id, course_id: course, lesson_id: lesson, source_id: source })
    const quizJob = (kind: 'quiz_passed' | 'quiz_failed', attempt: string, quizId = quiz): InsightJob =>
      ({ kind, user_id: s.id, course_id: course, lesson_id: lesson, source_id: attempt, quiz_id: quizId, percentage: 50 })
    expect(await generateInsight(deps, lessonJob(lesson))).not.toBeNull()
    expect(await generateInsight(deps, lessonJob(`${lesson}-again`))).toBeNull()
    expect(await generateInsight(deps, quizJob('quiz_failed', 'attempt-1'))).not.toBeNull()
    expect(await generateInsight(deps, quizJob('quiz_failed', 'attempt-2'))).toBeNull()
    expect(await generateInsight(deps, quizJob('quiz_passed', 'attempt-3'))).toBeNull()
    expect(await generateInsight(deps, quizJob('quiz_passed', 'attempt-4', crypto.randomUUID()))).not.toBeNull()
    // A re-run of a job whose insight exists is still a no-op, and its own claim does not block it.
    expect(await generateInsight(deps, quizJob('quiz_failed', 'attempt-1'))).toBeNull()
    const rows = await deps.sql`select kind, source_id from ai_insights where user_id = ${s.id} order by created_at`
    expect(rows.map((r: any) => r.source_id)).toEqual([lesson, 'attempt-1', 'attempt-4'])
  })
})
