import { describe, expect, test } from 'bun:test'
import { listenApp, waitFor } from '../helpers/app'
import { spawnReplica } from '../helpers/replica'
import { newUser } from '../helpers/factories'
import { connectWs } from '../helpers/ws'
import { rawWebSocket } from '../helpers/raw-ws'
import { newConversation, socketOf } from '../helpers/messaging'

const upgradeHeaders = { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' }
/** The in-process app's lyceum_rate_limited_total for one limit. */
const limited = async (app: Awaited<ReturnType<typeof listenApp>>, limit: string) =>
  (await app.deps.metrics.rateLimited.get()).values.find((v) => v.labels.limit === `ws_${limit}`)?.value ?? 0
const socket = (base: string, token: string) => connectWs(`${base}/api/v1/ws`, { authorization: `Bearer ${token}` })

describe('WS_MAX_SOCKETS_PER_USER across replicas', () => {
  test('10 sockets over two replicas are fine, the 11th is refused with 429 before the upgrade; closing one frees a slot; a killed replica frees its slots within 15 s', async () => {
    const a = await listenApp()
    const b = await spawnReplica()
    const u = await newUser()
    const onA = [] as Awaited<ReturnType<typeof socket>>[]
    const onB = [] as Awaited<ReturnType<typeof socket>>[]
    for (let i = 0; i < 5; i++) onA.push(await socket(a.ws, u.token))
    for (let i = 0; i < 5; i++) onB.push(await socket(b.ws, u.token)) // the 10th is still fine
    await Promise.all([...onA, ...onB].map((s) => s.next('hello')))
    for (const base of [a.http, b.http]) {
      const r = await fetch(`${base}/api/v1/ws?token=${u.token}`, { headers: upgradeHeaders })
      expect(r.status).toBe(429)
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('rate_limited')
    }
    expect(await limited(a, 'sockets_per_user')).toBe(1)
    // Another user is not affected.
    const other = await newUser()
    const o = await socket(a.ws, other.token)
    await o.next('hello')
    o.close()

    // Closing a socket on B frees a slot for A.
    onB.pop()!.close()
    const again = await waitFor(() => socket(a.ws, u.token).catch(() => null), { what: 'a freed slot' })
    await again.next('hello')
    onA.push(again)
    expect((await fetch(`${a.http}/api/v1/ws?token=${u.token}`, { headers: upgradeHeaders })).status).toBe(429)

    // B dies without closing its 4 sockets: their slots expire (no phantom sockets for longer than presence keeps users online).
    b.proc.kill('SIGKILL')
    await b.proc.exited
    const killedAt = Date.now()
    for (let i = 0; i < 4; i++) {
      const s = await waitFor(() => socket(a.ws, u.token).catch(() => null), { timeoutMs: 20000, intervalMs: 250, what: 'slots of the dead replica' })
      onA.push(s)
    }
    expect(Date.now() - killedAt).toBeLessThan(15000)
    expect((await fetch(`${a.http}/api/v1/ws?token=${u.token}`, { headers: upgradeHeaders })).status).toBe(429)
    for (const s of onA) s.close()
  }, 45000)

  test('0 turns the limit off', async () => {
    const a = await listenApp({ WS_MAX_SOCKETS_PER_USER: '0' })
    const u = await newUser()
    const all = await Promise.all(Array.from({ length: 12 }, () => socket(a.ws, u.token)))
    await Promise.all(all.map((s) => s.next('hello')))
    for (const s of all) s.close()
  })
})

describe('frame size', () => {
  test('a frame of 64 KiB is handled; one byte more closes the socket with 1009', async () => {
    const a = await listenApp()
    const u = await newUser()
    const s = await socket(a.ws, u.token)
    await s.next('hello')
    const head = '{"type":"ping","data":{"pad":"'
    const tail = '"}}'
    s.sendRaw(head + 'x'.repeat(64 * 1024 - head.length - tail.length) + tail)
    await s.next('pong')
    s.sendRaw(head + 'x'.repeat(64 * 1024 + 1 - head.length - tail.length) + tail)
    expect((await s.closed()).code).toBe(1009)
    await waitFor(async () => (await limited(a, 'frame_size')) === 1, { what: 'frame_size counted' })
  })
})

describe('backpressure', () => {
  test('a socket that stops reading is closed with 1013 at ~1 MiB of backlog; the healthy socket of the same user gets everything; the stopped one recovers it with resume', async () => {
    const app = await listenApp({ LIMIT_MESSAGES_PER_MIN: '0' })
    const [sender, reader] = [await newUser(), await newUser()]
    const conv = await newConversation(sender, [reader])
    const healthy = await socketOf(app.ws, reader)
    const stalled = rawWebSocket(app.port!, '/api/v1/ws', { authorization: `Bearer ${reader.token}` })
    expect(await stalled.opened).toBe(101)
    await waitFor(() => stalled.frames.some((f) => f.text.includes('"hello"')), { what: 'hello on the raw socket' })
    stalled.pause()
    expect(app.deps.hub.localSocketCount(reader.id)).toBe(2)

    // 12 KB frames (4000 three-byte characters) until the server gives up on the stalled socket.
    const body = '€'.repeat(4000)
    let sent = 0
    const post = async () => {
      const r = await fetch(`${app.http}/api/v1/conversations/${conv.id}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sender.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ body }),
      })
      expect(r.status).toBe(201)
      sent++
    }
    while (app.deps.hub.localSocketCount(reader.id) === 2 && sent < 1500) await Promise.all(Array.from({ length: 8 }, post))
    expect(app.deps.hub.localSocketCount(reader.id)).toBe(1)
    for (let i = 0; i < 20; i++) await post() // traffic goes on for the healthy socket

    // The healthy socket received every message, in order.
    const seqs = await waitFor(() => {
      const got = healthy.frames.filter((f) => f.type === 'message').map((f) => f.data.seq as number)
      return got.length >= sent ? got : null
    }, { what: 'every message on the healthy socket' })
    expect(new Set(seqs).size).toBe(sent)

    // The stalled client reads what was queued for it, then the close frame: 1013.
    stalled.resume()
    await waitFor(() => stalled.frames.some((f) => f.opcode === 0x8), { what: 'the close frame' })
    const close = stalled.frames.find((f) => f.opcode === 0x8)!
    expect(close.closeCode).toBe(1013)
    expect(await limited(app, 'backlog')).toBe(1)
    const seen = new Set(stalled.frames.filter((f) => f.opcode === 0x1).map((f) => JSON.parse(f.text)).filter((f) => f.type === 'message').map((f) => f.data.seq as number))
    expect(seen.size).toBeLessThan(sent)
    const lastSeen = Math.max(...seen)
    stalled.destroy()

    // Reconnect + resume from the last message it saw: nothing is missing.
    const back = await socketOf(app.ws, reader)
    let from = lastSeen
    for (;;) {
      back.send('resume', { conversations: [{ conversation_id: conv.id, after_seq: from }] })
      const resumed = await back.next('resumed', () => true, 20000)
      expect(resumed.data).toEqual({ conversation_id: conv.id, seq: Math.min(sent, from + 500), has_more: sent - from > 500 })
      from = resumed.data.seq
      if (!resumed.data.has_more) break
    }
    for (const f of back.frames) if (f.type === 'message') seen.add(f.data.seq)
    expect(seen.size).toBe(sent)
    healthy.close()
    back.close()
  }, 60000)
})
