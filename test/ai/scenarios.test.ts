import { describe, expect, test } from 'bun:test'
import { call, listenApp } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { connectWs } from '../helpers/ws'
import { makeScenario, scenarioBody } from './fixtures'

describe('scenarios (instructor writes, everyone reads)', () => {
  test('create → 201, get, list (newest first, difficulty filter, cursor), patch by the author or an admin', async () => {
    const author = await newUser({ role: 'instructor' })
    const created = await call('POST', '/api/v1/scenarios', { token: author.token, body: scenarioBody({ difficulty: 'advanced' }) })
    expect(created.status).toBe(201)
    const id: string = created.body.id
    expect(created.body).toMatchObject({ ...scenarioBody({ difficulty: 'advanced' }), author_id: author.id })
    const student = await newUser()
    expect((await call('GET', `/api/v1/scenarios/${id}`, { token: student.token })).body.title).toBe('Angry customer')
    const second = await makeScenario(author, { title: 'Negotiation', difficulty: 'advanced' })
    const list = await call('GET', '/api/v1/scenarios?difficulty=advanced&limit=1', { token: student.token })
    expect(list.status).toBe(200)
    expect(list.body.items.map((s: any) => s.id)).toEqual([second.id])
    const next = await call('GET', `/api/v1/scenarios?difficulty=advanced&limit=1&cursor=${list.body.next_cursor}`, { token: student.token })
    expect(next.body.items.map((s: any) => s.id)).toEqual([id])
    const patched = await call('PATCH', `/api/v1/scenarios/${id}`, { token: author.token, body: { title: 'Very angry customer', xp_reward: 50 } })
    expect(patched.status).toBe(200)
    expect(patched.body).toMatchObject({ title: 'Very angry customer', xp_reward: 50, difficulty: 'advanced' })
    const admin = await newUser({ role: 'admin' })
    expect((await call('PATCH', `/api/v1/scenarios/${id}`, { token: admin.token, body: { difficulty: 'beginner' } })).body.difficulty).toBe('beginner')
  })

  test('errors: 401, 403 for students and other instructors, 404 unknown, 422 invalid bodies', async () => {
    const author = await newUser({ role: 'instructor' })
    const s = await makeScenario(author)
    expect((await call('POST', '/api/v1/scenarios', { body: scenarioBody() })).status).toBe(401)
    expect((await call('GET', '/api/v1/scenarios')).status).toBe(200) // reading is public
    expect((await call('GET', `/api/v1/scenarios/${s.id}`)).body.id).toBe(s.id)
    const student = await newUser()
    const forbidden = await call('POST', '/api/v1/scenarios', { token: student.token, body: scenarioBody() })
    expect(forbidden.status).toBe(403)
    expect(forbidden.body.error.code).toBe('forbidden')
    const other = await newUser({ role: 'instructor' })
    expect((await call('PATCH', `/api/v1/scenarios/${s.id}`, { token: other.token, body: { title: 'mine now' } })).status).toBe(403)
    expect((await call('PATCH', `/api/v1/scenarios/${s.id}`, { token: student.token, body: { title: 'mine now' } })).status).toBe(403)
    expect((await call('PATCH', `/api/v1/scenarios/${crypto.randomUUID()}`, { token: author.token, body: { title: 'x' } })).status).toBe(404)
    expect((await call('GET', `/api/v1/scenarios/${crypto.randomUUID()}`, { token: student.token })).status).toBe(404)
    expect((await call('GET', '/api/v1/scenarios/not-a-uuid', { token: student.token })).status).toBe(422)
    for (const bad of [{ xp_reward: 501 }, { difficulty: 'expert' }, { objectives: [] }, { title: '' }, { persona: { name: 'x' } }]) {
      const r = await call('POST', '/api/v1/scenarios', { token: author.token, body: scenarioBody(bad) })
      expect(r.status).toBe(422)
      expect(r.body.error.code).toBe('validation_failed')
    }
    expect((await call('PATCH', `/api/v1/scenarios/${s.id}`, { token: author.token, body: { xp_reward: -1 } })).status).toBe(422)
  })
})

describe('scenario sessions (offline provider)', () => {
  test('start → persona opening; messages → 201 pair + scenario_message notification; resolve → rubric + XP once; twice → 409', async () => {
    const author = await newUser({ role: 'instructor' })
    const scenario = await makeScenario(author)
    const learner = await newUser()
    const started = await call('POST', `/api/v1/scenarios/${scenario.id}/sessions`, { token: learner.token })
    expect(started.status).toBe(201)
    const sessionId: string = started.body.id
    expect(started.body.status).toBe('active')
    expect(started.body.result).toBeNull()
    expect(started.body.messages).toHaveLength(1)
    expect(started.body.messages[0].role).toBe('persona')
    expect(started.body.messages[0].body).toContain('Dana')

    const { ws } = await listenApp()
    const sock = await connectWs(`${ws}/api/v1/ws`, { authorization: `Bearer ${learner.token}` })
    await sock.next('hello')
    const sent = await call('POST', `/api/v1/scenario-sessions/${sessionId}/messages`, { token: learner.token, body: { body: 'I am so sorry about the delay, I apologise.' } })
    expect(sent.status).toBe(201)
    expect(sent.body.user_message).toMatchObject({ role: 'learner', body: 'I am so sorry about the delay, I apologise.' })
    const personaId: string = sent.body.persona_message.id
    expect(sent.body.persona_message.role).toBe('persona')
    const note = await sock.next('notification', (d) => d.kind === 'scenario_message')
    expect(note.data.session_id).toBe(sessionId)
    expect(note.data.message.id).toBe(personaId)
    sock.close()

    const resolved = await call('POST', `/api/v1/scenario-sessions/${sessionId}/resolve`, { token: learner.token })
    expect(resolved.status).toBe(200)
    // "apologise" and "delay" match objective 1; nothing about a refund or voucher
    expect(resolved.body.score).toBe(50)
    expect(resolved.body.objectives.map((o: any) => [o.objective, o.met])).toEqual([
      ['Apologise sincerely for the delay', true], ['Offer a concrete refund or voucher', false],
    ])
    expect(resolved.body.feedback).toBeString()
    expect(resolved.body.xp_awarded).toBe(100)
    expect(resolved.body.achievements_unlocked.map((a: any) => a.key)).toEqual(['first_scenario'])

    const twice = await call('POST', `/api/v1/scenario-sessions/${sessionId}/resolve`, { token: learner.token })
    expect(twice.status).toBe(409)
    expect(twice.body.error.code).toBe('already_resolved')
    const late = await call('POST', `/api/v1/scenario-sessions/${sessionId}/messages`, { token: learner.token, body: { body: 'hello?' } })
    expect(late.status).toBe(409)
    const got = await call('GET', `/api/v1/scenario-sessions/${sessionId}`, { token: learner.token })
    expect(got.body.status).toBe('resolved')
    expect(got.body.result.score).toBe(50)
    expect(got.body.messages.map((m: any) => m.role)).toEqual(['persona', 'learner', 'persona'])
    expect((await call('GET', '/api/v1/me/progress', { token: learner.token })).body.xp).toBe(100)

    // a second session of the same scenario earns no more XP
    const again = await call('POST', `/api/v1/scenarios/${scenario.id}/sessions`, { token: learner.token })
    await call('POST', `/api/v1/scenario-sessions/${again.body.id}/messages`, { token: learner.token, body: { body: 'Sorry for the delay; here is a full refund voucher.' } })
    const r2 = await call('POST', `/api/v1/scenario-sessions/${again.body.id}/resolve`, { token: learner.token })
    expect(r2.body.score).toBe(100)
    expect(r2.body.xp_awarded).toBe(0)
    expect((await call('GET', '/api/v1/me/progress', { token: learner.token })).body.xp).toBe(100)
  })

  test('a scenario\'s author earns nothing from it', async () => {
    const author = await newUser({ role: 'instructor' })
    const scenario = await makeScenario(author)
    const s = await call('POST', `/api/v1/scenarios/${scenario.id}/sessions`, { token: author.token })
    await call('POST', `/api/v1/scenario-sessions/${s.body.id}/messages`, { token: author.token, body: { body: 'Sorry for the delay, refund voucher attached.' } })
    const r = await call('POST', `/api/v1/scenario-sessions/${s.body.id}/resolve`, { token: author.token })
    expect(r.status).toBe(200)
    expect(r.body.score).toBe(100)
    expect(r.body.xp_awarded).toBe(0)
    expect(r.body.achievements_unlocked).toEqual([])
    expect((await call('GET', '/api/v1/me/progress', { token: author.token })).body.xp).toBe(0)
  })

  test('errors: someone else\'s session is 404; unknown scenario 404; 401; 422 bad body', async () => {
    const author = await newUser({ role: 'instructor' })
    const scenario = await makeScenario(author)
    const owner = await newUser()
    const intruder = await newUser()
    const s = await call('POST', `/api/v1/scenarios/${scenario.id}/sessions`, { token: owner.token })
    for (const [method, path, body] of [
      ['GET', `/api/v1/scenario-sessions/${s.body.id}`, undefined],
      ['POST', `/api/v1/scenario-sessions/${s.body.id}/messages`, { body: 'hi' }],
      ['POST', `/api/v1/scenario-sessions/${s.body.id}/resolve`, undefined],
    ] as const) {
      const r = await call(method, path, { token: intruder.token, body })
      expect(r.status).toBe(404)
      expect(r.body.error.code).toBe('not_found')
    }
    expect((await call('POST', `/api/v1/scenarios/${crypto.randomUUID()}/sessions`, { token: owner.token })).status).toBe(404)
    expect((await call('POST', `/api/v1/scenario-sessions/${crypto.randomUUID()}/resolve`, { token: owner.token })).status).toBe(404)
    expect((await call('POST', `/api/v1/scenarios/${scenario.id}/sessions`)).status).toBe(401)
    expect((await call('POST', `/api/v1/scenario-sessions/${s.body.id}/messages`, { token: owner.token, body: { body: '' } })).status).toBe(422)
    expect((await call('POST', `/api/v1/scenario-sessions/${s.body.id}/messages`, { token: owner.token, body: {} })).status).toBe(422)
  })
})
