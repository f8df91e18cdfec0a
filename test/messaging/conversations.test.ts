import { describe, expect, test } from 'bun:test'
import { call } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { newConversation, sendMessage, users } from '../helpers/messaging'

const post = (token: string, body: unknown) => call('POST', '/api/v1/conversations', { token, body })

describe('POST /conversations', () => {
  test('direct: 201 with participants, then the same pair (either way round) → 200 with the same one', async () => {
    const [a, b] = await users(2)
    const r = await post(a!.token, { type: 'direct', participant_ids: [b!.id] })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ type: 'direct', name: null, owner_id: null, last_message: null, unread_count: 0 })
    expect(r.body.participants.map((p: { id: string }) => p.id).sort()).toEqual([a!.id, b!.id].sort())
    expect(r.body.participants[0]).toEqual({ id: expect.any(String), display_name: expect.any(String), avatar_url: null })
    const again = await post(b!.token, { type: 'direct', participant_ids: [a!.id.toUpperCase()] })
    expect(again.status).toBe(200)
    expect(again.body.id).toBe(r.body.id)
  })

  test('direct: racing creations of the same pair give one conversation', async () => {
    const [a, b] = await users(2)
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? post(a!.token, { type: 'direct', participant_ids: [b!.id] }) : post(b!.token, { type: 'direct', participant_ids: [a!.id] }))))
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1)
    expect(results.filter((r) => r.status === 201)).toHaveLength(1)
    expect(results.filter((r) => r.status === 200)).toHaveLength(7)
  })

  test('group: 201 with name, owner and the caller added', async () => {
    const [a, b, c] = await users(3)
    const r = await post(a!.token, { type: 'group', participant_ids: [b!.id, c!.id, b!.id], name: 'Study group' })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ type: 'group', name: 'Study group', owner_id: a!.id })
    expect(r.body.participants).toHaveLength(3)
  })

  test('errors: 401, unknown participant 422, direct with 0/2 users or self 422, over 255 → 422, bad type 422', async () => {
    const [a, b, c] = await users(3)
    expect((await call('POST', '/api/v1/conversations', { body: { type: 'direct', participant_ids: [b!.id] } })).status).toBe(401)
    const unknown = await post(a!.token, { type: 'direct', participant_ids: [crypto.randomUUID()] })
    expect(unknown.status).toBe(422)
    expect(unknown.body.error.code).toBe('validation_failed')
    expect(unknown.body.error.details[0].field).toBe('participant_ids')
    expect((await post(a!.token, { type: 'group', participant_ids: [b!.id, crypto.randomUUID()] })).status).toBe(422)
    for (const ids of [[], [b!.id, c!.id], [a!.id]]) expect((await post(a!.token, { type: 'direct', participant_ids: ids })).status).toBe(422)
    const many = Array.from({ length: 256 }, () => crypto.randomUUID())
    expect((await post(a!.token, { type: 'group', participant_ids: many })).status).toBe(422)
    expect((await post(a!.token, { type: 'channel', participant_ids: [b!.id] })).status).toBe(422)
    expect((await post(a!.token, { type: 'group', participant_ids: [b!.id], name: 'nul\u0000' })).status).toBe(422)
    expect((await post(a!.token, { type: 'direct', participant_ids: ['not-a-uuid'] })).status).toBe(422)
    const bad = await call('POST', '/api/v1/conversations', { token: a!.token, raw: '{nope', headers: { 'content-type': 'application/json' } })
    expect(bad.status).toBe(400)
  })
})

describe('GET /conversations', () => {
  test('newest activity first, with last_message and unread_count, paged by cursor', async () => {
    const [a, b, c] = await users(3)
    const first = await newConversation(a!, [b!])
    const second = await newConversation(a!, [c!])
    await sendMessage(b!, first.id, 'hello a')
    await sendMessage(b!, first.id, 'are you there?')
    await sendMessage(a!, first.id, 'yes')
    const list = await call('GET', '/api/v1/conversations', { token: a!.token })
    expect(list.status).toBe(200)
    expect(list.body.items.map((x: { id: string }) => x.id)).toEqual([first.id, second.id])
    expect(list.body.items[0].last_message).toMatchObject({ body: 'yes', seq: 3, sender_id: a!.id })
    expect(list.body.items[0].unread_count).toBe(2)
    expect(list.body.items[1]).toMatchObject({ last_message: null, unread_count: 0 })
    const forB = await call('GET', '/api/v1/conversations', { token: b!.token })
    expect(forB.body.items[0].unread_count).toBe(1)

    const p1 = await call('GET', '/api/v1/conversations?limit=1', { token: a!.token })
    expect(p1.body.items[0].id).toBe(first.id)
    expect(p1.body.next_cursor).toBeString()
    const p2 = await call('GET', `/api/v1/conversations?limit=1&cursor=${p1.body.next_cursor}`, { token: a!.token })
    expect(p2.body.items.map((x: { id: string }) => x.id)).toEqual([second.id])
    expect(p2.body.next_cursor).toBeNull()
  })

  test('errors: 401, bad limit 422, garbage cursor 422', async () => {
    const a = await newUser()
    expect((await call('GET', '/api/v1/conversations')).status).toBe(401)
    expect((await call('GET', '/api/v1/conversations?limit=0', { token: a.token })).status).toBe(422)
    expect((await call('GET', '/api/v1/conversations?limit=101', { token: a.token })).status).toBe(422)
    const r = await call('GET', '/api/v1/conversations?cursor=garbage', { token: a.token })
    expect(r.status).toBe(422)
    expect(r.body.error.code).toBe('validation_failed')
    const odd = Buffer.from(JSON.stringify({ key: '99999999999999999', id: crypto.randomUUID() })).toString('base64url')
    expect((await call('GET', `/api/v1/conversations?cursor=${odd}`, { token: a.token })).status).toBe(200)
    const bad = Buffer.from(JSON.stringify({ key: '2026-13-45', id: 'x' })).toString('base64url')
    expect((await call('GET', `/api/v1/conversations?cursor=${bad}`, { token: a.token })).status).toBe(422)
  })
})

describe('GET /conversations/:id', () => {
  test('participants see it; others and unknown ids get 404; bad id 422', async () => {
    const [a, b, outsider] = await users(3)
    const conv = await newConversation(a!, [b!])
    const r = await call('GET', `/api/v1/conversations/${conv.id}`, { token: b!.token })
    expect(r.status).toBe(200)
    expect(r.body.id).toBe(conv.id)
    const hidden = await call('GET', `/api/v1/conversations/${conv.id}`, { token: outsider!.token })
    expect(hidden.status).toBe(404)
    expect(hidden.body.error.code).toBe('not_found')
    expect((await call('GET', `/api/v1/conversations/${crypto.randomUUID()}`, { token: a!.token })).status).toBe(404)
    expect((await call('GET', '/api/v1/conversations/nope', { token: a!.token })).status).toBe(422)
    expect((await call('GET', `/api/v1/conversations/${conv.id}`)).status).toBe(401)
  })
})

describe('participants', () => {
  test('the owner adds and removes; others get 403; outsiders 404; anyone leaves', async () => {
    const [owner, b, c, d, outsider] = await users(5)
    const conv = await newConversation(owner!, [b!, c!], 'group', 'G')
    const path = `/api/v1/conversations/${conv.id}/participants`
    const added = await call('POST', path, { token: owner!.token, body: { user_id: d!.id } })
    expect(added.status).toBe(200)
    expect(added.body.participants.map((p: { id: string }) => p.id)).toContain(d!.id)
    expect((await call('POST', path, { token: owner!.token, body: { user_id: d!.id } })).status).toBe(200)
    const byMember = await call('POST', path, { token: b!.token, body: { user_id: outsider!.id } })
    expect(byMember.status).toBe(403)
    expect(byMember.body.error.code).toBe('forbidden')
    expect((await call('POST', path, { token: outsider!.token, body: { user_id: outsider!.id } })).status).toBe(404)
    const unknown = await call('POST', path, { token: owner!.token, body: { user_id: crypto.randomUUID() } })
    expect(unknown.status).toBe(422)
    expect((await call('POST', path, { token: owner!.token, body: {} })).status).toBe(422)

    expect((await call('DELETE', `${path}/${c!.id}`, { token: b!.token })).status).toBe(403)
    expect((await call('DELETE', `${path}/${c!.id}`, { token: outsider!.token })).status).toBe(404)
    expect((await call('DELETE', `${path}/${c!.id}`, { token: owner!.token })).status).toBe(204)
    expect((await call('DELETE', `${path}/${c!.id}`, { token: owner!.token })).status).toBe(404)
    expect((await call('GET', `/api/v1/conversations/${conv.id}`, { token: c!.token })).status).toBe(404)
    expect((await call('DELETE', `${path}/${b!.id}`, { token: b!.token })).status).toBe(204)
    expect((await call('GET', `/api/v1/conversations/${conv.id}`, { token: b!.token })).status).toBe(404)
  })

  test('an owner who leaves hands the group to the longest-standing participant', async () => {
    const [owner, b] = await users(2)
    const conv = await newConversation(owner!, [b!], 'group', 'G')
    expect((await call('DELETE', `/api/v1/conversations/${conv.id}/participants/${owner!.id}`, { token: owner!.token })).status).toBe(204)
    const r = await call('GET', `/api/v1/conversations/${conv.id}`, { token: b!.token })
    expect(r.body.owner_id).toBe(b!.id)
  })

  test('an admin taking part may act as owner; direct conversations cannot change (409)', async () => {
    const [owner, b, c] = await users(3)
    const admin = await newUser({ role: 'admin' })
    const group = await newConversation(owner!, [admin, b!], 'group', 'G')
    expect((await call('DELETE', `/api/v1/conversations/${group.id}/participants/${b!.id}`, { token: admin.token })).status).toBe(204)
    const direct = await newConversation(owner!, [b!])
    const r = await call('POST', `/api/v1/conversations/${direct.id}/participants`, { token: owner!.token, body: { user_id: c!.id } })
    expect(r.status).toBe(409)
    expect(r.body.error.code).toBe('not_a_group')
    expect((await call('DELETE', `/api/v1/conversations/${direct.id}/participants/${b!.id}`, { token: owner!.token })).status).toBe(409)
  })
})
