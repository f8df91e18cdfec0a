/**
 * SPEC §12 "No unbounded growth from anonymous traffic": anonymous requests create no
 * per-request Redis state, and BODY_MAX_BYTES holds for streamed (chunked) bodies too.
 */
import { describe, expect, test } from 'bun:test'
import { call, listenApp, testApp } from '../helpers/app'
import { encodeKeyset } from '../../src/platform/http/cursor'

async function countKeys(pattern: string) {
  const { deps } = await testApp()
  let n = 0
  for await (const keys of deps.redis.scanIterator({ MATCH: deps.keys(pattern), COUNT: 1000 })) n += keys.length
  return n
}

describe('catalog cache', () => {
  test('50 made-up cursors, searches and tags add no cache keys; the first page is still cached', async () => {
    expect((await call('GET', '/api/v1/courses')).status).toBe(200)
    const before = await countKeys('courses:catalog:*')
    expect(before).toBeGreaterThanOrEqual(1)
    for (let i = 0; i < 50; i++) {
      const cursor = encodeKeyset(new Date(Date.UTC(2020, 0, 1) + i * 1000), crypto.randomUUID())
      expect((await call('GET', `/api/v1/courses?cursor=${cursor}`)).status).toBe(200)
      expect((await call('GET', `/api/v1/courses?search=made-up-${i}`)).status).toBe(200)
      expect((await call('GET', `/api/v1/courses?tag=t${i}`)).status).toBe(200)
    }
    expect(await countKeys('courses:catalog:*')).toBe(before)
  }, 30000)
})

/** A body sent with Transfer-Encoding: chunked (a ReadableStream has no Content-Length). */
function chunked(text: string, chunk = 1024) {
  const bytes = new TextEncoder().encode(text)
  let at = 0
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (at >= bytes.length) return c.close()
      c.enqueue(bytes.slice(at, (at += chunk)))
    },
  })
}

describe('BODY_MAX_BYTES on streamed bodies', () => {
  test('a chunked JSON body over the limit → 413 payload_too_large; under it is parsed as usual', async () => {
    const api = await listenApp({ BODY_MAX_BYTES: '4096' })
    const post = (text: string) => fetch(`${api.http}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: chunked(text) })
    const big = JSON.stringify({ email: 'a@example.test', password: 'x'.repeat(20_000) })
    const over = await post(big)
    expect(over.status).toBe(413)
    expect(((await over.json()) as any).error.code).toBe('payload_too_large')
    // The same with the size announced is refused as before.
    const announced = await fetch(`${api.http}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big })
    expect(announced.status).toBe(413)
    // A streamed body under the limit still reaches the route (unknown account → 401).
    const small = await post(JSON.stringify({ email: 'nobody@example.test', password: 'wrong-password-123' }))
    expect(small.status).toBe(401)
    // Other body types are bounded too.
    const text = await fetch(`${api.http}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: chunked('y'.repeat(20_000)) })
    expect(text.status).toBe(413)
  }, 20000)
})
