import { afterAll, beforeEach, describe, expect, test } from 'bun:test'
import { call, testAppWith } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { startFakeOpenAI } from '../helpers/openai'
import { makeScenario } from './fixtures'

const fake = await startFakeOpenAI()
const { app, deps } = await testAppWith(fake.env({ OPENAI_TIMEOUT_MS: '400' }))
afterAll(() => fake.close())
beforeEach(() => fake.reset())

const post = (path: string, token: string, body?: unknown) => call('POST', `/api/v1${path}`, { token, body }, app)
const assessment = (score: number) => JSON.stringify({
  score,
  objectives: [{ objective: 'Apologise', met: true, comment: 'Clear apology.' }, { objective: 'Refund', met: false, comment: 'No offer made.' }],
  feedback: 'Good start; make a concrete offer next time.',
})

async function session() {
  const author = await newUser({ role: 'instructor' })
  const scenario = await makeScenario(author, {}, app)
  const learner = await newUser()
  fake.script({ text: 'Where is my order?!' })
  const s = await post(`/scenarios/${scenario.id}/sessions`, learner.token)
  expect(s.status).toBe(201)
  return { scenario, learner, sessionId: s.body.id as string }
}

describe('scenario sessions against an OpenAI-compatible endpoint', () => {
  test('the persona speaks through the model with its prompt and the conversation so far', async () => {
    const { learner, sessionId } = await session()
    expect(fake.requests[0]!.messages[0]!.content).toContain('Dana')
    expect(fake.requests[0]!.messages[0]!.content).toContain('impatient but fair')
    fake.script({ text: 'Fine, but I want my money back.' })
    const r = await post(`/scenario-sessions/${sessionId}/messages`, learner.token, { body: 'Sorry for the wait.' })
    expect(r.status).toBe(201)
    expect(r.body.persona_message.body).toBe('Fine, but I want my money back.')
    expect(fake.requests[1]!.messages.slice(1).map((m) => [m.role, m.content])).toEqual([
      ['assistant', 'Where is my order?!'], ['user', 'Sorry for the wait.'],
    ])
  })

  test('resolve: a valid rubric JSON is stored with XP = xp_reward × score / 100', async () => {
    const { learner, sessionId } = await session()
    fake.script({ text: assessment(80) })
    const r = await post(`/scenario-sessions/${sessionId}/resolve`, learner.token)
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ score: 80, feedback: 'Good start; make a concrete offer next time.', xp_awarded: 160 })
    expect(r.body.objectives).toEqual([
      { objective: 'Apologise sincerely for the delay', met: true, comment: 'Clear apology.' },
      { objective: 'Offer a concrete refund or voucher', met: false, comment: 'No offer made.' },
    ])
    expect(fake.requests.at(-1)!.body.response_format).toEqual({ type: 'json_object' })
  })

  test('resolve: a malformed assessment is retried once, then a clear 503 with nothing stored', async () => {
    const { learner, sessionId } = await session()
    fake.script({ text: 'I think they did fine!' }, { text: JSON.stringify({ score: 500, objectives: [], feedback: '' }) })
    const r = await post(`/scenario-sessions/${sessionId}/resolve`, learner.token)
    expect(r.status).toBe(503)
    expect(r.body.error.code).toBe('ai_unavailable')
    expect(r.body.error.message).toContain('invalid assessment')
    expect(fake.requests).toHaveLength(3)
    const got = await call('GET', `/api/v1/scenario-sessions/${sessionId}`, { token: learner.token }, app)
    expect(got.body.status).toBe('active')
    expect(got.body.result).toBeNull()
    expect((await deps.sql`select count(*)::int as n from xp_events where user_id = ${learner.id}`)[0]!.n).toBe(0)
    // malformed once, then valid → resolved
    fake.script({ text: '```json\n{"score": 90}\n```' }, { text: assessment(100) })
    const ok = await post(`/scenario-sessions/${sessionId}/resolve`, learner.token)
    expect(ok.status).toBe(200)
    expect(ok.body.xp_awarded).toBe(200)
  })

  test('provider down → 503 ai_unavailable and nothing stored half-way (start, message, resolve)', async () => {
    const { learner, sessionId, scenario } = await session()
    fake.script({ status: 500 }, { status: 500 })
    const start = await post(`/scenarios/${scenario.id}/sessions`, learner.token)
    expect(start.status).toBe(503)
    expect(start.body.error.code).toBe('ai_unavailable')
    expect((await deps.sql`select count(*)::int as n from scenario_sessions where user_id = ${learner.id}`)[0]!.n).toBe(1)
    fake.script({ status: 500 }, { status: 500 })
    const msg = await post(`/scenario-sessions/${sessionId}/messages`, learner.token, { body: 'hello' })
    expect(msg.status).toBe(503)
    expect((await deps.sql`select count(*)::int as n from scenario_messages where session_id = ${sessionId}`)[0]!.n).toBe(1)
    // Only the opening that succeeded counts (SPEC §12); the failed calls were given back.
    expect((await deps.sql`select messages from ai_usage where user_id = ${learner.id}`)[0]!.messages).toBe(1)
    fake.script({ hangMs: 1500 }, { hangMs: 1500 })
    const res = await post(`/scenario-sessions/${sessionId}/resolve`, learner.token)
    expect(res.status).toBe(503)
    expect((await call('GET', `/api/v1/scenario-sessions/${sessionId}`, { token: learner.token }, app)).body.status).toBe('active')
  })

  test('scenario messages count against the daily AI quota', async () => {
    // The opening counts too (SPEC §12): the opening and one reply fit in 2.
    const { app: small } = await testAppWith(fake.env({ AI_DAILY_MESSAGES: '2' }))
    const author = await newUser({ role: 'instructor' })
    const scenario = await makeScenario(author, {}, small)
    const learner = await newUser()
    const s = await call('POST', `/api/v1/scenarios/${scenario.id}/sessions`, { token: learner.token }, small)
    expect((await call('POST', `/api/v1/scenario-sessions/${s.body.id}/messages`, { token: learner.token, body: { body: 'one' } }, small)).status).toBe(201)
    const over = await call('POST', `/api/v1/scenario-sessions/${s.body.id}/messages`, { token: learner.token, body: { body: 'two' } }, small)
    expect(over.status).toBe(429)
    expect(over.body.error.code).toBe('ai_quota_exceeded')
  })
})
