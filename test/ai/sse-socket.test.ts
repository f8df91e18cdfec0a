import { afterAll, describe, expect, test } from 'bun:test'
import { call, listenApp, waitFor } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { startFakeOpenAI } from '../helpers/openai'
import { parseSse } from './sse'

const fake = await startFakeOpenAI()
afterAll(() => fake.close())

describe('SSE over a real socket', () => {
  test('frames arrive as they are produced; a client that hangs up leaves an interrupted partial reply', async () => {
    const { http, deps } = await listenApp(fake.env())
    const s = await newUser()
    fake.script({ text: Array.from({ length: 80 }, (_, i) => `tok${i}`).join(' '), chunkDelayMs: 30 })
    const abort = new AbortController()
    const res = await fetch(`${http}/api/v1/ai/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ message: 'stream to me' }),
      signal: abort.signal,
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    expect(res.headers.get('x-request-id')).toBeString()
    const reader = res.body!.getReader()
    let buf = ''
    const started = Date.now()
    while (parseSse(buf).filter((e) => e.data?.delta).length < 3) buf += new TextDecoder().decode((await reader.read()).value)
    // 80 chunks 30 ms apart take ~2.4 s: three deltas well before that means nothing is buffered
    expect(Date.now() - started).toBeLessThan(1500)
    const convId: string = parseSse(buf)[0]!.data.conversation_id
    abort.abort()
    const row = await waitFor(async () => (await deps.sql<{ content: string; status: string }[]>`
      select content, status from ai_messages where conversation_id = ${convId} and role = 'assistant'`)[0], { what: 'stored partial reply' })
    expect(row.status).toBe('interrupted')
    expect(row.content).toStartWith('tok0 tok1 tok2')
    expect(row.content).not.toContain('tok79')
  })

  test('the OpenAPI document lists the AI and gamification routes', async () => {
    const doc = (await call('GET', '/swagger/json')).body
    for (const [path, method] of [
      ['/api/v1/ai/chat', 'post'], ['/api/v1/ai/conversations', 'get'], ['/api/v1/ai/conversations/{id}/messages', 'get'],
      ['/api/v1/me/insights', 'get'], ['/api/v1/scenarios', 'post'], ['/api/v1/scenarios/{id}', 'patch'],
      ['/api/v1/scenarios/{id}/sessions', 'post'], ['/api/v1/scenario-sessions/{id}/messages', 'post'],
      ['/api/v1/scenario-sessions/{id}/resolve', 'post'], ['/api/v1/me/progress', 'get'], ['/api/v1/leaderboard', 'get'],
    ]) {
      expect(doc.paths[path!]?.[method!]?.summary, `${method} ${path}`).toBeString()
    }
  })
})
