import { describe, expect, test } from 'bun:test'
import { call, testApp } from '../helpers/app'
import { newConversation, sendMessage, users } from '../helpers/messaging'

const msgs = (id: string) => `/api/v1/conversations/${id}/messages`

describe('POST /conversations/:id/messages', () => {
  test('201 with the message; one pending delivery row per other participant', async () => {
    const [a, b, c] = await users(3)
    const conv = await newConversation(a!, [b!, c!], 'group', 'G')
    const r = await call('POST', msgs(conv.id), { token: a!.token, body: { body: 'hi all' } })
    expect(r.status).toBe(201)
    expect(r.body.message).toEqual({
      id: expect.any(String), conversation_id: conv.id, seq: 1, sender_id: a!.id, body: 'hi all',
      created_at: expect.any(String), edited_at: null, deleted: false, client_id: null,
    })
    const { deps } = await testApp()
    const rows = await deps.sql`select user_id, status from message_deliveries where message_id = ${r.body.message.id} order by user_id`
    expect(rows.map((x) => x.user_id).sort()).toEqual([b!.id, c!.id].sort())
    expect(rows.every((x) => x.status === 'pending')).toBe(true)
  })

  test('50 concurrent sends get seq 1..50 with no gap or duplicate', async () => {
    const [a, b] = await users(2)
    const conv = await newConversation(a!, [b!])
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => call('POST', msgs(conv.id), { token: (i % 2 ? a : b)!.token, body: { body: `m${i}` } })))
    expect(results.every((r) => r.status === 201)).toBe(true)
    expect(results.map((r) => r.body.message.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
  })

  test('client_id: same sender + key → 200 with the same message (also when racing); other body → 422', async () => {
    const [a, b] = await users(2)
    const conv = await newConversation(a!, [b!])
    const first = await call('POST', msgs(conv.id), { token: a!.token, body: { body: 'once', client_id: 'dev-1' } })
    expect(first.status).toBe(201)
    const again = await call('POST', msgs(conv.id), { token: a!.token, body: { body: 'once', client_id: 'dev-1' } })
    expect(again.status).toBe(200)
    expect(again.body).toEqual(first.body)
    const reused = await call('POST', msgs(conv.id), { token: a!.token, body: { body: 'other', client_id: 'dev-1' } })
    expect(reused.status).toBe(422)
    expect(reused.body.error.code).toBe('idempotency_key_reused')
    // Another sender may use the same key.
    expect((await call('POST', msgs(conv.id), { token: b!.token, body: { body: 'once', client_id: 'dev-1' } })).status).toBe(201)
    const race = await Promise.all(Array.from({ length: 6 }, () => call('POST', msgs(conv.id), { token: a!.token, body: { body: 'race', client_id: 'dev-2' } })))
    expect(new Set(race.map((r) => r.body.message.id)).size).toBe(1)
    expect(race.filter((r) => r.status === 201)).toHaveLength(1)
    const list = await call('GET', `${msgs(conv.id)}?after_seq=0`, { token: a!.token })
    expect(list.body.items.map((m: { seq: number }) => m.seq)).toEqual([1, 2, 3])
  })

  test('an Idempotency-Key header works like client_id', async () => {
    const [a, b] = await users(2)
    const conv = await newConversation(a!, [b!])
    const headers = { 'idempotency-key': 'key-1' }
    const first = await call('POST', msgs(conv.id), { token: a!.token, headers, body: { body: 'hello' } })
    expect(first.status).toBe(201)
    expect(first.body.message.client_id).toBe('key-1')
    const again = await call('POST', msgs(conv.id), { token: a!.token, headers, body: { body: 'hello' } })
    expect(again.status).toBe(200)
    expect(again.body.message.id).toBe(first.body.message.id)
    expect((await call('POST', msgs(conv.id), { token: a!.token, headers, body: { body: 'different' } })).status).toBe(422)
  })

  test('errors: 401, non-participant 404, unknown conversation 404, body empty/blank/too long 422, bad JSON 400', async () => {
    const [a, b, outsider] = await users(3)
    const conv = await newConversation(a!, [b!])
    expect((await call('POST', msgs(conv.id), { body: { body: 'x' } })).status).toBe(401)
    expect((await call('POST', msgs(conv.id), { token: outsider!.token, body: { body: 'x' } })).status).toBe(404)
    expect((await call('POST', msgs(crypto.randomUUID()), { token: a!.token, body: { body: 'x' } })).status).toBe(404)
    for (const body of ['', '   ', 'x'.repeat(4001), 'nul\u0000byte']) {
      const r = await call('POST', msgs(conv.id), { token: a!.token, body: { body } })
      expect(r.status).toBe(422)
      expect(r.body.error.code).toBe('validation_failed')
    }
    expect((await call('POST', msgs(conv.id), { token: a!.token, body: { body: 'x'.repeat(4000) } })).status).toBe(201)
    expect((await call('POST', msgs(conv.id), { token: a!.token, body: {} })).status).toBe(422)
    expect((await call('POST', msgs(conv.id), { token: a!.token, raw: '{"body":', headers: { 'content-type': 'application/json' } })).status).toBe(400)
  })
})

describe('GET /conversations/:id/messages', () => {
  test('newest first with cursor/before; after_seq oldest first with its own cursor', async () => {
    const [a, b] = await users(2)
    const conv = await newConversation(a!, [b!])
    for (let i = 1; i <= 5; i++) await sendMessage(a!, conv.id, `m${i}`)
    const seqs = (r: { body: { items: { seq: number }[] } }) => r.body.items.map((m) => m.seq)
    const p1 = await call('GET', `${msgs(conv.id)}?limit=2`, { token: b!.token })
    expect(seqs(p1)).toEqual([5, 4])
    const p2 = await call('GET', `${msgs(conv.id)}?limit=2&cursor=${p1.body.next_cursor}`, { token: b!.token })
    expect(seqs(p2)).toEqual([3, 2])
    const p3 = await call('GET', `${msgs(conv.id)}?limit=2&cursor=${p2.body.next_cursor}`, { token: b!.token })
    expect(seqs(p3)).toEqual([1])
    expect(p3.body.next_cursor).toBeNull()
    expect(seqs(await call('GET', `${msgs(conv.id)}?before=3`, { token: b!.token }))).toEqual([2, 1])
    const c1 = await call('GET', `${msgs(conv.id)}?after_seq=1&limit=3`, { token: b!.token })
    expect(seqs(c1)).toEqual([2, 3, 4])
    const c2 = await call('GET', `${msgs(conv.id)}?limit=3&cursor=${c1.body.next_cursor}`, { token: b!.token })
    expect(seqs(c2)).toEqual([5])
    expect(c2.body.next_cursor).toBeNull()
  })

  test('errors: 401, non-participant 404, bad limit/after_seq/cursor 422', async () => {
    const [a, b, outsider] = await users(3)
    const conv = await newConversation(a!, [b!])
    expect((await call('GET', msgs(conv.id))).status).toBe(401)
    expect((await call('GET', msgs(conv.id), { token: outsider!.token })).status).toBe(404)
    for (const qs of ['limit=0', 'limit=101', 'after_seq=-1', 'after_seq=x', 'after_seq=99999999999', 'before=0', 'cursor=zzz', `cursor=${Buffer.from('{"d":"asc","s":1e20}').toString('base64url')}`, `cursor=${Buffer.from('{"d":"x","s":1}').toString('base64url')}`]) {
      expect((await call('GET', `${msgs(conv.id)}?${qs}`, { token: a!.token })).status).toBe(422)
    }
  })
})

describe('PATCH / DELETE messages', () => {
  test('the sender edits (edited_at set) and deletes (blank body, deleted: true); both show in catch-up', async () => {
    const [a, b] = await users(2)
    const conv = await newConversation(a!, [b!])
    const m = await sendMessage(a!, conv.id, 'typo')
    const edited = await call('PATCH', `${msgs(conv.id)}/${m.id}`, { token: a!.token, body: { body: 'fixed' } })
    expect(edited.status).toBe(200)
    expect(edited.body.message).toMatchObject({ id: m.id, body: 'fixed', deleted: false, edited_at: expect.any(String) })
    const del = await call('DELETE', `${msgs(conv.id)}/${m.id}`, { token: a!.token })
    expect(del.status).toBe(204)
    const list = await call('GET', `${msgs(conv.id)}?after_seq=0`, { token: b!.token })
    expect(list.body.items[0]).toMatchObject({ id: m.id, body: '', deleted: true })
    const again = await call('PATCH', `${msgs(conv.id)}/${m.id}`, { token: a!.token, body: { body: 'back' } })
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('message_deleted')
  })

  test('errors: other participant 403, outsider 404, unknown message 404, message of another conversation 404, bad body 422', async () => {
    const [a, b, outsider] = await users(3)
    const conv = await newConversation(a!, [b!])
    const other = await newConversation(a!, [outsider!])
    const m = await sendMessage(a!, conv.id, 'mine')
    const path = `${msgs(conv.id)}/${m.id}`
    const r = await call('PATCH', path, { token: b!.token, body: { body: 'nope' } })
    expect(r.status).toBe(403)
    expect(r.body.error.code).toBe('forbidden')
    expect((await call('DELETE', path, { token: b!.token })).status).toBe(403)
    expect((await call('PATCH', path, { token: outsider!.token, body: { body: 'x' } })).status).toBe(404)
    expect((await call('DELETE', path, { token: outsider!.token })).status).toBe(404)
    expect((await call('PATCH', `${msgs(conv.id)}/${crypto.randomUUID()}`, { token: a!.token, body: { body: 'x' } })).status).toBe(404)
    expect((await call('DELETE', `${msgs(other.id)}/${m.id}`, { token: a!.token })).status).toBe(404)
    expect((await call('PATCH', path, { token: a!.token, body: { body: '' } })).status).toBe(422)
    expect((await call('PATCH', path, { token: a!.token, body: { body: 'y'.repeat(4001) } })).status).toBe(422)
    expect((await call('PATCH', path, { token: a!.token })).status).toBeOneOf([400, 422])
    expect((await call('DELETE', path)).status).toBe(401)
  })
})

describe('POST /conversations/:id/read', () => {
  test('204; unread_count drops; deliveries up to the message become read', async () => {
    const [a, b] = await users(2)
    const conv = await newConversation(a!, [b!])
    const m1 = await sendMessage(a!, conv.id, 'one')
    const m2 = await sendMessage(a!, conv.id, 'two')
    await sendMessage(a!, conv.id, 'three')
    const r = await call('POST', `/api/v1/conversations/${conv.id}/read`, { token: b!.token, body: { message_id: m2.id } })
    expect(r.status).toBe(204)
    const got = await call('GET', `/api/v1/conversations/${conv.id}`, { token: b!.token })
    expect(got.body.unread_count).toBe(1)
    const { deps } = await testApp()
    const rows = await deps.sql`select message_id, status from message_deliveries where user_id = ${b!.id}`
    const status = Object.fromEntries(rows.map((x) => [x.message_id, x.status]))
    expect(status[m1.id]).toBe('read')
    expect(status[m2.id]).toBe('read')
    // Reading an older message never moves the position back.
    await call('POST', `/api/v1/conversations/${conv.id}/read`, { token: b!.token, body: { message_id: m1.id } })
    expect((await call('GET', `/api/v1/conversations/${conv.id}`, { token: b!.token })).body.unread_count).toBe(1)
  })

  test('errors: 401, outsider 404, unknown message 404, bad body 422', async () => {
    const [a, b, outsider] = await users(3)
    const conv = await newConversation(a!, [b!])
    const m = await sendMessage(a!, conv.id, 'x')
    const path = `/api/v1/conversations/${conv.id}/read`
    expect((await call('POST', path, { body: { message_id: m.id } })).status).toBe(401)
    expect((await call('POST', path, { token: outsider!.token, body: { message_id: m.id } })).status).toBe(404)
    expect((await call('POST', path, { token: b!.token, body: { message_id: crypto.randomUUID() } })).status).toBe(404)
    expect((await call('POST', path, { token: b!.token, body: { message_id: 'x' } })).status).toBe(422)
    expect((await call('POST', path, { token: b!.token, body: {} })).status).toBe(422)
  })
})

test('the REST routes are in the OpenAPI document', async () => {
  const r = await call('GET', '/swagger/json')
  const paths = Object.keys(r.body.paths)
  for (const p of ['/api/v1/conversations', '/api/v1/conversations/{id}', '/api/v1/conversations/{id}/participants', '/api/v1/conversations/{id}/participants/{user_id}', '/api/v1/conversations/{id}/messages', '/api/v1/conversations/{id}/messages/{message_id}', '/api/v1/conversations/{id}/read']) {
    expect(paths).toContain(p)
  }
})
