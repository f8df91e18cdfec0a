import { describe, expect, test } from 'bun:test'
import { call, testApp, testAppWith } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { enrolledStudent, makeCourse } from '../courses/fixtures'
import { readSse } from './sse'

describe('mentor chat (offline provider)', () => {
  test('replies deterministically from the learner data, marked offline, and stores the exchange', async () => {
    const { course } = await makeCourse({ lessons: 2, publish: true })
    const { student } = await enrolledStudent(course.id)
    const r = await call('POST', '/api/v1/ai/chat', { token: student.token, body: { message: 'How do I start?' } })
    expect(r.status).toBe(200)
    const convId: string = r.body.conversation_id
    expect(convId).toMatch(/^[0-9a-f-]{36}$/)
    expect(r.body.provider).toBe('offline')
    expect(r.body.reply).toContain(course.title)
    const again = await call('POST', '/api/v1/ai/chat', { token: student.token, body: { message: 'How do I start?', conversation_id: convId } })
    expect(again.status, again.text).toBe(200)
    expect(again.body.reply).toBe(r.body.reply)
    const list = await call('GET', '/api/v1/ai/conversations', { token: student.token })
    expect(list.status).toBe(200)
    expect(list.body.items).toHaveLength(1)
    expect(list.body.items[0]).toMatchObject({ id: convId, title: 'How do I start?', course_id: null })
    const msgs = await call('GET', `/api/v1/ai/conversations/${convId}/messages`, { token: student.token })
    expect(msgs.body.items.map((m: any) => [m.role, m.status, m.provider])).toEqual([
      ['user', 'complete', null], ['assistant', 'complete', 'offline'], ['user', 'complete', null], ['assistant', 'complete', 'offline'],
    ])
    const paged = await call('GET', `/api/v1/ai/conversations/${convId}/messages?limit=3`, { token: student.token })
    expect(paged.body.items).toHaveLength(3)
    const rest = await call('GET', `/api/v1/ai/conversations/${convId}/messages?limit=3&cursor=${paged.body.next_cursor}`, { token: student.token })
    expect(rest.body.items.map((m: any) => m.id)).toEqual([msgs.body.items[3].id])
    expect(rest.body.next_cursor).toBeNull()
  })

  test('streams SSE: conversation frame, deltas, [DONE]; the full reply is stored', async () => {
    const student = await newUser()
    const { app } = await testApp()
    const res = await app.handle(new Request('http://localhost/api/v1/ai/chat', {
      method: 'POST',
      headers: { authorization: `Bearer ${student.token}`, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ message: 'Explain recursion' }),
    }))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const events = await readSse(res)
    expect(Object.keys(events[0]!.data).sort()).toEqual(['conversation_id', 'provider'])
    expect(events[0]!.data.provider).toBe('offline')
    expect(events.at(-1)!.raw).toBe('[DONE]')
    const deltas = events.slice(1, -1)
    expect(deltas.length).toBeGreaterThan(3)
    const text = deltas.map((e) => e.data.delta).join('')
    expect(text).toContain('[offline mentor]')
    const msgs = await call('GET', `/api/v1/ai/conversations/${events[0]!.data.conversation_id}/messages`, { token: student.token })
    expect(msgs.body.items[1]).toMatchObject({ role: 'assistant', content: text, status: 'complete', provider: 'offline' })
  })

  test('errors: 401 without a token, 422 bad bodies, 404 for another learner\'s conversation or an unknown course', async () => {
    expect((await call('POST', '/api/v1/ai/chat', { body: { message: 'hi' } })).status).toBe(401)
    const a = await newUser()
    const b = await newUser()
    const empty = await call('POST', '/api/v1/ai/chat', { token: a.token, body: { message: '' } })
    expect(empty.status).toBe(422)
    expect(empty.body.error.code).toBe('validation_failed')
    expect((await call('POST', '/api/v1/ai/chat', { token: a.token, body: { message: 'x', conversation_id: 'nope' } })).status).toBe(422)
    const mine = await call('POST', '/api/v1/ai/chat', { token: a.token, body: { message: 'mine' } })
    const other = await call('POST', '/api/v1/ai/chat', { token: b.token, body: { message: 'hijack', conversation_id: mine.body.conversation_id } })
    expect(other.status).toBe(404)
    expect(other.body.error.code).toBe('not_found')
    expect((await call('GET', `/api/v1/ai/conversations/${mine.body.conversation_id}/messages`, { token: b.token })).status).toBe(404)
    expect((await call('GET', `/api/v1/ai/conversations/${crypto.randomUUID()}/messages`, { token: a.token })).status).toBe(404)
    expect((await call('GET', '/api/v1/ai/conversations', { token: b.token })).body.items).toEqual([])
    expect((await call('GET', '/api/v1/ai/conversations?cursor=garbage', { token: a.token })).status).toBe(422)
    const course = await call('POST', '/api/v1/ai/chat', { token: a.token, body: { message: 'x', course_id: crypto.randomUUID() } })
    expect(course.status).toBe(404)
  })

  test('daily quota: past AI_DAILY_MESSAGES → 429 ai_quota_exceeded with Retry-After (JSON and SSE)', async () => {
    const { app } = await testAppWith({ AI_DAILY_MESSAGES: '2' })
    const s = await newUser()
    for (let i = 0; i < 2; i++) expect((await call('POST', '/api/v1/ai/chat', { token: s.token, body: { message: `q${i}` } }, app)).status).toBe(200)
    const over = await call('POST', '/api/v1/ai/chat', { token: s.token, body: { message: 'one more' } }, app)
    expect(over.status).toBe(429)
    expect(over.body.error.code).toBe('ai_quota_exceeded')
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0)
    const sse = await call('POST', '/api/v1/ai/chat', { token: s.token, body: { message: 'stream' }, headers: { accept: 'text/event-stream' } }, app)
    expect(sse.status).toBe(429)
    expect(sse.body.error.code).toBe('ai_quota_exceeded')
    const use = await call('GET', '/api/v1/ai/usage', { token: s.token }, app)
    expect(use.body).toMatchObject({ messages: 2, daily_limit: 2, remaining: 0, provider: 'offline' })
    expect(use.body.completion_tokens).toBeGreaterThan(0)
    expect((await call('GET', '/api/v1/ai/usage')).status).toBe(401)
    // another learner has their own quota
    const t = await newUser()
    expect((await call('POST', '/api/v1/ai/chat', { token: t.token, body: { message: 'hi' } }, app)).status).toBe(200)
  })
})
