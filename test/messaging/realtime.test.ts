import { beforeAll, describe, expect, test } from 'bun:test'
import { call, listenApp, testApp, waitFor } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { connectWs } from '../helpers/ws'
import { newConversation, sendMessage, socketOf, users } from '../helpers/messaging'

let server: Awaited<ReturnType<typeof listenApp>>
beforeAll(async () => {
  server = await listenApp()
})
const open = (u: Awaited<ReturnType<typeof newUser>>) => socketOf(server.ws, u)

describe('socket auth', () => {
  test('Bearer, ?token= and single-use ?ticket= connect; nothing → 401 before the upgrade', async () => {
    const a = await newUser()
    const upgrade = { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' }
    expect((await fetch(`${server.http}/api/v1/ws`, { headers: upgrade })).status).toBe(401)
    const byToken = await connectWs(`${server.ws}/api/v1/ws?token=${a.token}`)
    expect((await byToken.next('hello')).data.user_id).toBe(a.id)
    byToken.close()
    const ticket = await call('POST', '/api/v1/ws/ticket', { token: a.token })
    const byTicket = await connectWs(`${server.ws}/api/v1/ws?ticket=${ticket.body.ticket}`)
    expect((await byTicket.next('hello')).data).toMatchObject({ user_id: a.id, connection_id: expect.any(String), online_user_ids: [] })
    byTicket.close()
    expect((await fetch(`${server.http}/api/v1/ws?ticket=${ticket.body.ticket}`, { headers: upgrade })).status).toBe(401)
  })
})

describe('messages and acks', () => {
  test('a message reaches every device of every participant (sender included); ack → delivered + delivery_ack once', async () => {
    const [a, b] = await users(2)
    const conv = await newConversation(a!, [b!])
    const [a1, a2, b1, b2] = await Promise.all([open(a!), open(a!), open(b!), open(b!)])
    const m = await sendMessage(a!, conv.id, 'hello', 'c-1')
    for (const s of [a1, a2, b1, b2]) {
      const f = await s.next('message', (d) => d.id === m.id)
      expect(f.data).toMatchObject({ id: m.id, conversation_id: conv.id, seq: 1, sender_id: a!.id, body: 'hello', client_id: 'c-1', deleted: false })
    }
    b1.send('ack', { message_id: m.id })
    const ack = await a1.next('delivery_ack')
    expect(ack.data).toEqual({ message_id: m.id, user_id: b!.id, status: 'delivered' })
    await a2.next('delivery_ack')
    const { deps } = await testApp()
    const [row] = await deps.sql`select status, delivered_at from message_deliveries where message_id = ${m.id} and user_id = ${b!.id}`
    expect(row!.status).toBe('delivered')
    // The second device's ack, and the sender's devices acking their own echo, change nothing and are not announced.
    b2.send('ack', { message_id: m.id })
    a2.send('ack', { message_id: m.id })
    a2.send('ping', {})
    await a2.next('pong')
    b2.send('ping', {})
    await b2.next('pong')
    await Bun.sleep(200)
    expect(a1.frames.filter((f) => f.type === 'delivery_ack')).toHaveLength(0)
    expect(a2.frames.filter((f) => f.type === 'error')).toHaveLength(0)
    for (const s of [a1, a2, b1, b2]) s.close()
  })

  test('an ack for a message the user did not receive → error forbidden, the socket stays open', async () => {
    const [a, b, outsider] = await users(3)
    const conv = await newConversation(a!, [b!])
    const m = await sendMessage(a!, conv.id, 'private')
    const s = await open(outsider!)
    s.send('ack', { message_id: m.id })
    expect((await s.next('error')).data.code).toBe('forbidden')
    s.send('ping', {})
    await s.next('pong')
    s.close()
  })

  test('pending deliveries are pushed after hello on connect; acked ones are not pushed again', async () => {
    const [a, b] = await users(2)
    const conv = await newConversation(a!, [b!])
    const m1 = await sendMessage(a!, conv.id, 'while you were away 1')
    const m2 = await sendMessage(a!, conv.id, 'while you were away 2')
    const raw = await connectWs(`${server.ws}/api/v1/ws`, { authorization: `Bearer ${b!.token}` })
    await raw.next('hello')
    expect((await raw.next('message')).data.id).toBe(m1.id)
    expect((await raw.next('message')).data.id).toBe(m2.id)
    expect(raw.frames.findIndex((f) => f.type === 'hello')).toBe(-1)
    raw.send('ack', { message_id: m1.id })
    await waitFor(async () => {
      const { deps } = await testApp()
      const [row] = await deps.sql`select status from message_deliveries where message_id = ${m1.id} and user_id = ${b!.id}`
      return row!.status === 'delivered'
    })
    raw.close()
    const again = await connectWs(`${server.ws}/api/v1/ws`, { authorization: `Bearer ${b!.token}` })
    await again.next('hello')
    expect((await again.next('message')).data.id).toBe(m2.id)
    again.close()
  })

  test('edit and delete push message_updated to participants', async () => {
    const [a, b] = await users(2)
    const conv = await newConversation(a!, [b!])
    const m = await sendMessage(a!, conv.id, 'draft')
    const sb = await open(b!)
    await call('PATCH', `/api/v1/conversations/${conv.id}/messages/${m.id}`, { token: a!.token, body: { body: 'final' } })
    expect((await sb.next('message_updated')).data).toMatchObject({ id: m.id, body: 'final', deleted: false })
    await call('DELETE', `/api/v1/conversations/${conv.id}/messages/${m.id}`, { token: a!.token })
    expect((await sb.next('message_updated', (d) => d.deleted)).data).toMatchObject({ id: m.id, body: '', deleted: true })
    sb.close()
  })
})

describe('read receipts', () => {
  test('read frame and POST /read both give read_receipt to the others', async () => {
    const [a, b] = await users(2)
    const conv = await newConversation(a!, [b!])
    const m1 = await sendMessage(a!, conv.id, 'one')
    const m2 = await sendMessage(a!, conv.id, 'two')
    const [sa, sb] = await Promise.all([open(a!), open(b!)])
    sb.send('read', { conversation_id: conv.id, message_id: m1.id })
    expect((await sa.next('read_receipt')).data).toEqual({ conversation_id: conv.id, user_id: b!.id, message_id: m1.id })
    expect((await call('POST', `/api/v1/conversations/${conv.id}/read`, { token: b!.token, body: { message_id: m2.id } })).status).toBe(204)
    expect((await sa.next('read_receipt')).data.message_id).toBe(m2.id)
    expect(sb.frames.some((f) => f.type === 'read_receipt')).toBe(false)
    sa.close()
    sb.close()
  })
})

describe('typing', () => {
  test('typing and typing_stop reach the other participants', async () => {
    const [a, b] = await users(2)
    const conv = await newConversation(a!, [b!])
    const [sa, sb] = await Promise.all([open(a!), open(b!)])
    sa.send('typing', { conversation_id: conv.id })
    expect((await sb.next('typing')).data).toEqual({ user_id: a!.id, conversation_id: conv.id })
    sa.send('typing_stop', { conversation_id: conv.id })
    expect((await sb.next('typing_stop')).data).toEqual({ user_id: a!.id, conversation_id: conv.id })
    expect(sa.frames.some((f) => f.type === 'typing')).toBe(false)
    sa.close()
    sb.close()
  })

  test('typing expires by itself after 5 s', async () => {
    const [a, b] = await users(2)
    const conv = await newConversation(a!, [b!])
    const [sa, sb] = await Promise.all([open(a!), open(b!)])
    sa.send('typing', { conversation_id: conv.id })
    await sb.next('typing')
    const started = Date.now()
    const stop = await sb.next('typing_stop', () => true, 8000)
    expect(stop.data).toEqual({ user_id: a!.id, conversation_id: conv.id })
    expect(Date.now() - started).toBeGreaterThan(4000)
    sa.close()
    sb.close()
  }, 15000)
})

describe('presence', () => {
  test('hello lists online contacts; online on first device; offline only when the last device closes', async () => {
    const [a, b, stranger] = await users(3)
    await newConversation(a!, [b!])
    const sa = await open(a!)
    expect(sa.hello.online_user_ids).toEqual([])
    const b1 = await open(b!)
    expect(b1.hello.online_user_ids).toEqual([a!.id])
    expect((await sa.next('presence')).data).toEqual({ user_id: b!.id, status: 'online' })
    const b2 = await open(b!)
    const ss = await open(stranger!)
    b1.close()
    b2.send('ping', {})
    await b2.next('pong')
    await Bun.sleep(300)
    expect(sa.frames.some((f) => f.type === 'presence')).toBe(false)
    b2.close()
    expect((await sa.next('presence')).data).toEqual({ user_id: b!.id, status: 'offline' })
    expect(ss.frames.some((f) => f.type === 'presence')).toBe(false)
    sa.close()
    ss.close()
  })

  test('users who start sharing a conversation learn who of them is online at once', async () => {
    const [a, b, c] = await users(3)
    const [sa, sb, sc] = await Promise.all([open(a!), open(b!), open(c!)])
    const group = await newConversation(a!, [b!], 'group', 'G')
    expect((await sa.next('presence', (d) => d.user_id === b!.id)).data.status).toBe('online')
    expect((await sb.next('presence', (d) => d.user_id === a!.id)).data.status).toBe('online')
    expect((await call('POST', `/api/v1/conversations/${group.id}/participants`, { token: a!.token, body: { user_id: c!.id } })).status).toBe(200)
    await sa.next('presence', (d) => d.user_id === c!.id)
    await sb.next('presence', (d) => d.user_id === c!.id)
    const seen = [(await sc.next('presence')).data.user_id, (await sc.next('presence')).data.user_id]
    expect(seen.sort()).toEqual([a!.id, b!.id].sort())
    for (const s of [sa, sb, sc]) s.close()
  })
})

describe('resume', () => {
  test('after missing 20 messages (one edited, one deleted): exactly those, in order, current state, then updates of older ones, then resumed', async () => {
    const [a, b] = await users(2)
    const conv = await newConversation(a!, [b!])
    const older = await sendMessage(a!, conv.id, 'seen before')
    const seen = await sendMessage(a!, conv.id, 'last seen')
    const missed = []
    for (let i = 1; i <= 20; i++) missed.push(await sendMessage(a!, conv.id, `missed ${i}`))
    await call('PATCH', `/api/v1/conversations/${conv.id}/messages/${missed[4]!.id}`, { token: a!.token, body: { body: 'missed 5 (edited)' } })
    await call('DELETE', `/api/v1/conversations/${conv.id}/messages/${missed[9]!.id}`, { token: a!.token })
    await call('PATCH', `/api/v1/conversations/${conv.id}/messages/${older.id}`, { token: a!.token, body: { body: 'seen before (edited later)' } })

    const sb = await open(b!)
    // Drop what the connect pushed (pending deliveries) so the resume output is measured alone.
    await waitFor(() => sb.frames.filter((f) => f.type === 'message').length >= 22)
    sb.frames.length = 0
    sb.send('resume', { conversations: [{ conversation_id: conv.id, after_seq: seen.seq }] })
    const resumed = await sb.next('resumed')
    expect(resumed.data).toEqual({ conversation_id: conv.id, seq: 22, has_more: false })
    const got = sb.frames.filter((f) => f.type === 'message' || f.type === 'message_updated')
    expect(got.map((f) => f.type)).toEqual([...Array(20).fill('message'), 'message_updated'])
    expect(got.slice(0, 20).map((f) => f.data.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 3))
    expect(got[4]!.data).toMatchObject({ body: 'missed 5 (edited)', edited_at: expect.any(String) })
    expect(got[9]!.data).toMatchObject({ body: '', deleted: true })
    expect(got[20]!.data).toMatchObject({ id: older.id, body: 'seen before (edited later)' })
    sb.close()
  })

  test('resume of a conversation the user is not in → error forbidden, others still resumed', async () => {
    const [a, b, outsider] = await users(3)
    const conv = await newConversation(a!, [b!])
    const mine = await newConversation(outsider!, [a!])
    const s = await open(outsider!)
    s.send('resume', { conversations: [{ conversation_id: conv.id, after_seq: 0 }, { conversation_id: mine.id, after_seq: 0 }] })
    expect((await s.next('error')).data.code).toBe('forbidden')
    expect((await s.next('resumed')).data).toEqual({ conversation_id: mine.id, seq: 0, has_more: false })
    s.close()
  })
})

describe('bad frames', () => {
  test('bad JSON, unknown type, invalid data, forbidden and floods → error frames; the socket stays open', async () => {
    const [a, b, outsider] = await users(3)
    const conv = await newConversation(a!, [b!])
    const s = await open(outsider!)
    s.sendRaw('{not json')
    expect((await s.next('error')).data.code).toBe('bad_frame')
    s.send('explode', {})
    expect((await s.next('error')).data.code).toBe('bad_frame')
    s.send('typing', { conversation_id: 'nope' })
    expect((await s.next('error')).data.code).toBe('bad_frame')
    s.send('resume', { conversations: [{ conversation_id: conv.id, after_seq: -1 }] })
    expect((await s.next('error')).data.code).toBe('bad_frame')
    s.send('typing', { conversation_id: conv.id })
    expect((await s.next('error')).data.code).toBe('forbidden')
    s.send('read', { conversation_id: conv.id, message_id: crypto.randomUUID() })
    expect((await s.next('error')).data.code).toBe('forbidden')
    for (let i = 0; i < 100; i++) s.send('ping', {})
    expect((await s.next('error', (d) => d.code === 'rate_limited')).data.code).toBe('rate_limited')
    await Bun.sleep(300)
    s.frames.length = 0
    s.send('ping', {})
    await s.next('pong')
    expect(s.ws.readyState).toBe(WebSocket.OPEN)
    s.close()
  })
})
