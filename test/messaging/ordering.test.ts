import { describe, expect, test } from 'bun:test'
import { call, listenApp, testApp, waitFor } from '../helpers/app'
import { connectWs, type Frame } from '../helpers/ws'
import { newConversation, sendMessage, socketOf, users } from '../helpers/messaging'

describe('hello is the first frame', () => {
  test('60 connects while messages flow to the user: hello first every time', async () => {
    const app = await listenApp({ LIMIT_MESSAGES_PER_MIN: '0', WS_MAX_SOCKETS_PER_USER: '0' })
    const [a, b] = await users(2)
    const conv = await newConversation(a!, [b!])
    let flowing = true
    let posted = 0
    const flow = (async () => {
      while (flowing) {
        const r = await fetch(`${app.http}/api/v1/conversations/${conv.id}/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${a!.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ body: `m${posted}` }),
        })
        if (r.status === 201) posted++
      }
    })()
    const violations: string[] = []
    for (let i = 0; i < 60; i++) {
      const first = await new Promise<Frame>((resolve, reject) => {
        const ws = new WebSocket(`${app.ws}/api/v1/ws`, { headers: { authorization: `Bearer ${b!.token}` } } as never)
        ws.onmessage = (e) => { resolve(JSON.parse(String(e.data))); ws.close() }
        ws.onerror = () => reject(new Error('socket failed'))
      })
      if (first.type !== 'hello') violations.push(first.type)
    }
    flowing = false
    await flow
    expect(posted).toBeGreaterThan(10)
    expect(violations).toEqual([])
  }, 60000)

  test('an event published while the socket is being set up is delivered right after hello', async () => {
    const app = await listenApp()
    const [u] = await users(1)
    let fanned = 0
    const before = async () => (await app.deps.metrics.wsFannedOut.get()).values.filter((v) => v.labels.type === 'notification').reduce((n, v) => n + v.value, 0)
    // A slow connect hook: the event reaches this replica (and the socket's queue) before hello is sent.
    app.deps.hub.onConnect(async (conn) => {
      if (conn.userId !== u!.id) return
      fanned = await before()
      await app.deps.hub.publish([u!.id], 'notification', { kind: 'order_status', order_id: 'o-early', status: 'paid' })
      await waitFor(async () => (await before()) > fanned, { what: 'the event fanned out' })
    })
    const s = await connectWs(`${app.ws}/api/v1/ws`, { authorization: `Bearer ${u!.token}` })
    const first = await new Promise<Frame>((resolve) => {
      const check = () => (s.frames.length ? resolve(s.frames[0]!) : setTimeout(check, 10))
      check()
    })
    expect(first.type).toBe('hello')
    expect((await s.next('notification')).data).toEqual({ kind: 'order_status', order_id: 'o-early', status: 'paid' })
    s.close()
  })
})

describe('resume bounds', () => {
  test('more than 50 conversations in one frame → bad_frame; 50 are fine', async () => {
    const app = await listenApp()
    const [u] = await users(1)
    const s = await socketOf(app.ws, u!)
    const many = Array.from({ length: 51 }, () => ({ conversation_id: crypto.randomUUID(), after_seq: 0 }))
    s.send('resume', { conversations: many })
    expect((await s.next('error')).data.code).toBe('bad_frame')
    s.send('resume', { conversations: many.slice(0, 50) })
    expect((await s.next('error')).data.code).toBe('forbidden') // validated, then refused per conversation
    s.close()
  })

  test('at most 500 messages per conversation, then resumed with has_more: true; the next page ends with has_more: false', async () => {
    const app = await listenApp()
    const { deps } = await testApp()
    const [a, b] = await users(2)
    const conv = await newConversation(a!, [b!])
    await deps.sql`insert into messages (conversation_id, seq, sender_id, body) select ${conv.id}, g, ${a!.id}, 'bulk ' || g from generate_series(1, 620) g`
    await deps.sql`update conversations set last_seq = 620 where id = ${conv.id}`
    const s = await socketOf(app.ws, b!)
    s.send('resume', { conversations: [{ conversation_id: conv.id, after_seq: 10 }] })
    const first = await s.next('resumed', () => true, 20000)
    expect(first.data).toEqual({ conversation_id: conv.id, seq: 510, has_more: true })
    const page = s.frames.filter((f) => f.type === 'message').map((f) => f.data.seq)
    expect(page).toEqual(Array.from({ length: 500 }, (_, i) => i + 11))
    s.frames.length = 0
    s.send('resume', { conversations: [{ conversation_id: conv.id, after_seq: 510 }] })
    expect((await s.next('resumed')).data).toEqual({ conversation_id: conv.id, seq: 620, has_more: false })
    expect(s.frames.filter((f) => f.type === 'message')).toHaveLength(110)
    s.close()
  })

  test('a resume naming many conversations costs one frame token per conversation', async () => {
    const app = await listenApp()
    const [u] = await users(1)
    const s = await socketOf(app.ws, u!)
    const fifty = Array.from({ length: 50 }, () => ({ conversation_id: crypto.randomUUID(), after_seq: 0 }))
    s.send('resume', { conversations: fifty })
    s.send('resume', { conversations: fifty })
    const err = await waitFor(() => s.frames.find((f) => f.type === 'error' && f.data.code === 'rate_limited'), { what: 'rate_limited' })
    expect(err.data.message).toBeString()
    expect(s.ws.readyState).toBe(WebSocket.OPEN)
    s.close()
  })
})

describe('receipts for an offline sender', () => {
  test('resume replays delivery_ack and read_receipt that happened while the sender was away', async () => {
    const app = await listenApp()
    const [a, b] = await users(2)
    const conv = await newConversation(a!, [b!])
    const m1 = await sendMessage(a!, conv.id, 'one')
    const m2 = await sendMessage(a!, conv.id, 'two')
    const m3 = await sendMessage(a!, conv.id, 'three')
    // a is offline; b acks m3 and reads up to m2.
    const sb = await socketOf(app.ws, b!)
    sb.send('ack', { message_id: m3.id })
    sb.send('read', { conversation_id: conv.id, message_id: m2.id })
    const { deps } = await testApp()
    await waitFor(async () => {
      const rows = await deps.sql`select status from message_deliveries where user_id = ${b!.id} and status <> 'pending'`
      return rows.length === 3
    })
    sb.close()

    // a comes back knowing its own messages up to seq 3 (it got them as 201 answers / echoes).
    const sa = await socketOf(app.ws, a!)
    sa.send('resume', { conversations: [{ conversation_id: conv.id, after_seq: 3 }] })
    expect((await sa.next('resumed')).data).toEqual({ conversation_id: conv.id, seq: 3, has_more: false })
    const replayed = sa.frames.filter((f) => f.type === 'delivery_ack' || f.type === 'read_receipt')
    expect(replayed).toContainEqual({ type: 'delivery_ack', data: { message_id: m3.id, user_id: b!.id, status: 'delivered' } })
    expect(replayed).toContainEqual({ type: 'read_receipt', data: { conversation_id: conv.id, user_id: b!.id, message_id: m2.id } })
    expect(replayed.some((f) => f.data.message_id === m1.id)).toBe(false) // covered by the read_receipt up to m2
    sa.frames.length = 0

    // From the start: the messages, then the receipts, then resumed.
    sa.send('resume', { conversations: [{ conversation_id: conv.id, after_seq: 0 }] })
    await sa.next('resumed')
    const types = sa.frames.map((f) => f.type)
    expect(types.slice(0, 3)).toEqual(['message', 'message', 'message'])
    expect(types.slice(3).sort()).toEqual(['delivery_ack', 'read_receipt'])
    sa.close()
  })

  test('GET …/messages carries receipts on the caller\'s own messages only', async () => {
    const [a, b, c] = await users(3)
    const group = await newConversation(a!, [b!, c!], 'group', 'G')
    const mine = await sendMessage(a!, group.id, 'from a')
    const theirs = await sendMessage(b!, group.id, 'from b')
    expect((await call('POST', `/api/v1/conversations/${group.id}/read`, { token: b!.token, body: { message_id: mine.id } })).status).toBe(204)
    const r = await call('GET', `/api/v1/conversations/${group.id}/messages`, { token: a!.token })
    expect(r.status).toBe(200)
    const own = r.body.items.find((m: { id: string }) => m.id === mine.id)
    const other = r.body.items.find((m: { id: string }) => m.id === theirs.id)
    expect(other.receipts).toBeUndefined()
    const byUser = Object.fromEntries(own.receipts.map((x: { user_id: string }) => [x.user_id, x]))
    expect(Object.keys(byUser).sort()).toEqual([b!.id, c!.id].sort())
    expect(byUser[b!.id]).toMatchObject({ status: 'read', delivered_at: expect.any(String), read_at: expect.any(String) })
    expect(byUser[c!.id]).toEqual({ user_id: c!.id, status: 'pending', delivered_at: null, read_at: null })
    // after_seq pages carry them too.
    const asc = await call('GET', `/api/v1/conversations/${group.id}/messages?after_seq=0`, { token: a!.token })
    expect(asc.body.items[0].receipts).toHaveLength(2)
  })
})
