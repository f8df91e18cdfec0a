import { afterAll, beforeEach, describe, expect, test } from 'bun:test'
import { call, testAppWith, waitFor } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { startFakeOpenAI } from '../helpers/openai'
import { enrolledStudent, makeCourse } from '../courses/fixtures'
import { parseSse, readSse } from './sse'

const fake = await startFakeOpenAI()
const { app, deps } = await testAppWith(fake.env({ OPENAI_TIMEOUT_MS: '400' }))
afterAll(() => fake.close())
beforeEach(() => fake.reset())

const chat = (token: string, body: Record<string, unknown>, headers: Record<string, string> = {}) => call('POST', '/api/v1/ai/chat', { token, body, headers }, app)
const streamReq = (token: string, body: Record<string, unknown>) =>
  app.handle(new Request('http://localhost/api/v1/ai/chat', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(body),
  }))
const usage = async (userId: string) => (await deps.sql`select messages, prompt_tokens::int, completion_tokens::int from ai_usage where user_id = ${userId}`)[0]
const conversations = async (userId: string) => (await deps.sql`select id from ai_conversations where user_id = ${userId}`).length

describe('mentor chat against an OpenAI-compatible endpoint', () => {
  test('sends learner context and history to the model, returns its reply, records token usage', async () => {
    const { course } = await makeCourse({ lessons: 3, publish: true })
    const { student } = await enrolledStudent(course.id)
    fake.script({ text: 'First answer.', usage: { prompt_tokens: 100, completion_tokens: 5 } }, { text: 'Second answer.', usage: { prompt_tokens: 120, completion_tokens: 6 } })
    const r1 = await chat(student.token, { message: 'What is a closure?', course_id: course.id })
    expect(r1.status).toBe(200)
    const convId: string = r1.body.conversation_id
    expect(r1.body.reply).toBe('First answer.')
    expect(r1.body.provider).toBe('openai')
    const r2 = await chat(student.token, { message: 'And a callback?', conversation_id: convId })
    expect(r2.body.reply).toBe('Second answer.')
    expect(fake.requests).toHaveLength(2)
    const [first, second] = fake.requests
    expect(first!.model).toBe('fake-model')
    expect(first!.stream).toBe(false)
    expect(first!.messages[0]!.role).toBe('system')
    expect(first!.messages[0]!.content).toContain(course.title)
    expect(first!.messages[0]!.content).toContain('0/3 lessons')
    expect(second!.messages.slice(1).map((m) => [m.role, m.content])).toEqual([
      ['user', 'What is a closure?'], ['assistant', 'First answer.'], ['user', 'And a callback?'],
    ])
    expect(await usage(student.id)).toEqual({ messages: 2, prompt_tokens: 220, completion_tokens: 11 })
    const list = await call('GET', '/api/v1/ai/conversations', { token: student.token }, app)
    expect(list.body.items[0].course_id).toBe(course.id)
  })

  test('history is trimmed to the token budget (newest kept)', async () => {
    const s = await newUser()
    const big = (tag: string) => `${tag} ` + 'lorem ipsum '.repeat(330)
    let convId: string | undefined
    for (const tag of ['MARKER-ONE', 'MARKER-TWO', 'MARKER-THREE', 'MARKER-FOUR']) {
      const r = await chat(s.token, { message: big(tag), ...(convId ? { conversation_id: convId } : {}) })
      expect(r.status).toBe(200)
      convId = r.body.conversation_id
    }
    fake.requests.length = 0
    await chat(s.token, { message: 'short one', conversation_id: convId })
    const prompt = fake.allPromptText()
    expect(prompt).toContain('MARKER-FOUR')
    expect(prompt).not.toContain('MARKER-ONE')
    expect(prompt).toContain('short one')
  })

  test('streams the provider\'s deltas as SSE and stores the full reply with usage', async () => {
    const s = await newUser()
    fake.script({ text: 'Think about what the function closes over.' })
    const res = await streamReq(s.token, { message: 'closures?' })
    expect(res.status).toBe(200)
    const events = await readSse(res)
    expect(events[0]!.data.provider).toBe('openai')
    const convId: string = events[0]!.data.conversation_id
    expect(events.at(-1)!.raw).toBe('[DONE]')
    const text = events.slice(1, -1).map((e) => e.data.delta).join('')
    expect(text).toBe('Think about what the function closes over.')
    expect(fake.requests[0]!.stream).toBe(true)
    const msgs = await call('GET', `/api/v1/ai/conversations/${convId}/messages`, { token: s.token }, app)
    expect(msgs.body.items.map((m: any) => [m.role, m.content, m.status])).toEqual([
      ['user', 'closures?', 'complete'], ['assistant', text, 'complete'],
    ])
    expect((await usage(s.id))!.prompt_tokens).toBe(11)
  })

  test('provider error → 503 ai_unavailable after one retry; nothing stored, quota given back', async () => {
    const s = await newUser()
    fake.script({ status: 500 }, { status: 500 })
    const r = await chat(s.token, { message: 'hello?' })
    expect(r.status).toBe(503)
    expect(r.body.error.code).toBe('ai_unavailable')
    expect(fake.requests).toHaveLength(2)
    expect(await conversations(s.id)).toBe(0)
    expect((await usage(s.id))!.messages).toBe(0)
    // a transient failure is absorbed by the retry
    fake.script({ status: 503 }, { text: 'Recovered.' })
    const ok = await chat(s.token, { message: 'again?' })
    expect(ok.status).toBe(200)
    expect(ok.body.reply).toBe('Recovered.')
  })

  test('provider timeout → 503 ai_unavailable', async () => {
    const s = await newUser()
    fake.script({ hangMs: 1500 }, { hangMs: 1500 })
    const r = await chat(s.token, { message: 'slow?' })
    expect(r.status).toBe(503)
    expect(r.body.error.code).toBe('ai_unavailable')
    expect(await conversations(s.id)).toBe(0)
  })

  test('streaming: provider down → plain 503 before the stream opens', async () => {
    const s = await newUser()
    fake.script({ status: 500 }, { status: 500 })
    const res = await streamReq(s.token, { message: 'x' })
    expect(res.status).toBe(503)
    expect(res.headers.get('content-type')).toContain('application/json')
    expect(((await res.json()) as any).error.code).toBe('ai_unavailable')
    expect(await conversations(s.id)).toBe(0)
  })

  test('streaming: a failure mid-stream is sent as event: error; the partial reply is stored as interrupted', async () => {
    const s = await newUser()
    fake.script({ text: 'one two three four five', failAfterChunks: 2 })
    const events = await readSse(await streamReq(s.token, { message: 'count' }))
    const convId: string = events[0]!.data.conversation_id
    expect(events.slice(1, 3).map((e) => e.data.delta)).toEqual(['one ', 'two '])
    const last = events.at(-1)!
    expect(last.event).toBe('error')
    expect(last.data.code).toBe('ai_unavailable')
    expect(last.data.message).toBeString()
    expect(events.some((e) => e.raw === '[DONE]')).toBe(false)
    const msgs = await call('GET', `/api/v1/ai/conversations/${convId}/messages`, { token: s.token }, app)
    expect(msgs.body.items[1]).toMatchObject({ role: 'assistant', content: 'one two ', status: 'interrupted' })
  })

  test('streaming: a client that disconnects mid-stream leaves the partial reply stored as interrupted', async () => {
    const s = await newUser()
    fake.script({ text: Array.from({ length: 60 }, (_, i) => `w${i}`).join(' '), chunkDelayMs: 40 })
    const res = await streamReq(s.token, { message: 'long answer please' })
    const reader = res.body!.getReader()
    let buf = ''
    while (parseSse(buf).filter((e) => e.data?.delta).length < 2) buf += new TextDecoder().decode((await reader.read()).value)
    const convId: string = parseSse(buf)[0]!.data.conversation_id
    await reader.cancel()
    const stored = await waitFor(async () => {
      const [row] = await deps.sql<{ content: string; status: string }[]>`
        select content, status from ai_messages where conversation_id = ${convId} and role = 'assistant'`
      return row
    }, { what: 'the interrupted reply' })
    expect(stored.status).toBe('interrupted')
    expect(stored.content).toStartWith('w0 w1 ')
    expect(stored.content.length).toBeLessThan(150)
  })
})

describe('quiz-answer guardrail', () => {
  test('the prompt never contains the correct options of a quiz the learner has an attempt in progress for', async () => {
    const { course, lessons, instructor } = await makeCourse({ lessons: 1, publish: true })
    const quiz = await call('PUT', `/api/v1/lessons/${lessons[0].id}/quiz`, {
      token: instructor.token,
      body: {
        title: 'Geography check',
        pass_percentage: 50,
        questions: [
          { type: 'multiple_choice', prompt: 'Which island is the spice island?', points: 1, options: [{ text: 'Zanzibar-Correct-7f3a', is_correct: true }, { text: 'Iceland-Wrong-19bc' }] },
          { type: 'short_answer', prompt: 'Name the feathered serpent', points: 1, answer: 'Quetzalcoatl-Answer-42ad' },
          { type: 'true_false', prompt: 'The Nile flows north', points: 1, answer: 'true' },
        ],
      },
    })
    expect(quiz.status).toBe(200)
    const { student } = await enrolledStudent(course.id)
    const attempt = await call('POST', `/api/v1/quizzes/${quiz.body.id}/attempts`, { token: student.token })
    expect(attempt.status).toBe(201)
    fake.setDefault({ text: 'Let us think about it together.' })
    await chat(student.token, { message: 'What is the answer to "Which island is the spice island?"', course_id: course.id })
    const s = await streamReq(student.token, { message: 'Just tell me the feathered serpent answer' })
    await readSse(s)
    const prompt = fake.allPromptText()
    expect(fake.requests.length).toBe(2)
    expect(prompt).not.toContain('Zanzibar-Correct-7f3a')
    expect(prompt).not.toContain('Quetzalcoatl-Answer-42ad')
    expect(prompt).toContain('quiz attempt(s) in progress')
    expect(prompt).toContain('Never reveal or confirm answers')
  })
})
