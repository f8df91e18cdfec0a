import { describe, expect, test } from 'bun:test'
import { createLyceumClient, LyceumError, type Message, type RealtimeState, type Tokens } from '../src'
import { listenApp, onClose, waitFor } from '../../test/helpers/app'
import { newUser } from '../../test/helpers/factories'
import { newConversation, sendMessage } from '../../test/helpers/messaging'
import { tcpProxy } from './proxy'

const fastBackoff = { initialMs: 20, maxMs: 200 }

/** A client signed in as a fresh user against `baseUrl`, counting the refreshes it makes. */
async function signedIn(baseUrl: string) {
  const user = await newUser()
  let refreshes = 0
  const rotations: (Tokens | null)[] = []
  const c = createLyceumClient({
    baseUrl,
    onTokens: (t) => rotations.push(t),
    fetch: (input, init) => {
      if (String(input).endsWith('/api/v1/auth/refresh')) refreshes++
      return fetch(input, init)
    },
  })
  const r = await c.login(user.email, user.password)
  if (!('tokens' in r)) throw new Error('expected tokens')
  return { user, c, rotations, refreshes: () => refreshes }
}

/** Collects what a realtime client emits. */
function record(rt: ReturnType<ReturnType<typeof createLyceumClient>['realtime']>) {
  const messages: Message[] = []
  const states: RealtimeState[] = []
  rt.on('message', (m) => messages.push(m))
  rt.on('state', (s) => states.push(s))
  onClose(() => rt.close())
  return { messages, states }
}

/** Bob signed in through a TCP proxy in front of a real server, in a conversation with Alice, his realtime client recorded. */
async function chatThroughProxy() {
  const { port } = await listenApp()
  const proxy = await tcpProxy(port!)
  onClose(() => proxy.stop())
  const { user: bob, c } = await signedIn(proxy.url)
  const alice = await newUser()
  const conv = await newConversation(alice, [bob])
  const rt = c.realtime({ backoff: fastBackoff })
  return { proxy, bob, alice, conv, rt, got: record(rt) }
}

describe('@lyceum/client REST and tokens', () => {
  test('login keeps the tokens and typed REST calls are authenticated', async () => {
    const { http } = await listenApp()
    const { user, c, rotations } = await signedIn(http)
    expect(c.tokens?.access_token).toBeString()
    expect(rotations).toHaveLength(1)
    const me = await c.rest.api.v1.me.get()
    expect(me.status).toBe(200)
    expect(me.data?.email).toBe(user.email)
  })

  test('wrong credentials reject with the API error code', async () => {
    const { http } = await listenApp()
    const user = await newUser()
    const c = createLyceumClient({ baseUrl: http })
    const err = await c.login(user.email, 'not the password').catch((e) => e)
    expect(err).toBeInstanceOf(LyceumError)
    expect((err as LyceumError).status).toBe(401)
    expect((err as LyceumError).code).toBe('invalid_credentials')
    expect(c.tokens).toBeNull()
  })

  test('an expired access token is refreshed once for many parallel calls, and the old refresh token dies', async () => {
    const { http } = await listenApp({ ACCESS_TOKEN_TTL: '1' })
    const { c, refreshes, rotations } = await signedIn(http)
    const first = c.tokens!
    await waitFor(async () => (await fetch(`${http}/api/v1/me`, { headers: { authorization: `Bearer ${first.access_token}` } })).status === 401, {
      timeoutMs: 5000,
      what: 'the access token to expire',
    })
    const answers = await Promise.all(Array.from({ length: 6 }, () => c.rest.api.v1.me.get()))
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200])
    expect(refreshes()).toBe(1)
    expect(rotations).toHaveLength(2)
    expect(c.tokens!.refresh_token).not.toBe(first.refresh_token)
    // Rotation: the first refresh token no longer works (presenting it again is reuse).
    const reuse = await fetch(`${http}/api/v1/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: first.refresh_token }),
    })
    expect(reuse.status).toBe(401)
  })

  test('a revoked session is forgotten: the call answers 401 and tokens become null', async () => {
    const { http } = await listenApp()
    const { c, rotations } = await signedIn(http)
    const t = c.tokens!
    const out = await fetch(`${http}/api/v1/auth/logout-all`, { method: 'POST', headers: { authorization: `Bearer ${t.access_token}` } })
    expect(out.status).toBe(204)
    const me = await c.rest.api.v1.me.get()
    expect(me.status).toBe(401)
    expect(c.tokens).toBeNull()
    expect(rotations.at(-1)).toBeNull()
  })
})

describe('@lyceum/client realtime', () => {
  test('connects with a ticket, emits typed messages once in order, and acks them', async () => {
    const { http } = await listenApp()
    const { user: bob, c } = await signedIn(http)
    const alice = await newUser()
    const conv = await newConversation(alice, [bob])
    const rt = c.realtime({ backoff: fastBackoff })
    const got = record(rt)
    await waitFor(() => rt.state === 'open', { what: 'open' })
    for (let i = 1; i <= 5; i++) await sendMessage(alice, conv.id, `hi ${i}`)
    await waitFor(() => got.messages.length === 5, { what: '5 messages' })
    expect(got.messages.map((m) => m.body)).toEqual(['hi 1', 'hi 2', 'hi 3', 'hi 4', 'hi 5'])
    expect(rt.lastSeq(conv.id)).toBe(5)
    expect(got.states.slice(0, 2)).toEqual(['connecting', 'open'])
    // Acks reached the server: the deliveries are no longer pending.
    const { deps } = await listenApp()
    await waitFor(async () => {
      const [row] = await deps.sql<{ n: number }[]>`
        select count(*)::int as n from message_deliveries d join messages m on m.id = d.message_id
        where m.conversation_id = ${conv.id} and d.user_id = ${bob.id} and d.status = 'delivered'`
      return row!.n === 5
    }, { what: 'deliveries acked' })
  })

  test('messages that arrive twice (pending push and resume replay) are emitted once', async () => {
    const { http } = await listenApp()
    const { user: bob, c } = await signedIn(http)
    const alice = await newUser()
    const conv = await newConversation(alice, [bob])
    for (let i = 1; i <= 4; i++) await sendMessage(alice, conv.id, `offline ${i}`)
    // The server pushes the 4 pending deliveries on connect AND replays them for the resume.
    const rt = c.realtime({ after: { [conv.id]: 0 }, backoff: fastBackoff })
    const got = record(rt)
    let resumed = 0
    rt.on('resumed', (r) => void (r.conversation_id === conv.id && resumed++))
    await waitFor(() => resumed === 1 && got.messages.length >= 4, { what: 'the replay' })
    await sendMessage(alice, conv.id, 'live 5')
    await waitFor(() => got.messages.length >= 5, { what: 'the live message' })
    expect(got.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5])
  })

  // Half of the messages are the user's own, sent from another device: those have no pending
  // delivery to push on reconnect, so only the client's `resume` brings them back.
  test('a connection cut mid-stream: it reconnects and every missed message arrives exactly once, in order', async () => {
    const { proxy, bob, alice, conv, rt, got } = await chatThroughProxy()
    let hellos = 0
    rt.on('hello', () => hellos++)
    await waitFor(() => rt.state === 'open', { what: 'open' })
    const total = 40
    for (let i = 1; i <= total; i++) {
      await sendMessage(i % 2 ? alice : bob, conv.id, `m${i}`)
      if (i === 10 || i === 25) proxy.cut()
    }
    await waitFor(() => got.messages.length >= total, { timeoutMs: 15000, what: `${total} messages` })
    expect(got.messages.map((m) => m.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1))
    expect(new Set(got.messages.map((m) => m.id)).size).toBe(total)
    expect(hellos).toBeGreaterThanOrEqual(2)
    expect(got.states).toContain('connecting')
    expect(rt.state).toBe('open')
  })

  test('messages sent while the network is down come back through resume on reconnect', async () => {
    const { proxy, bob, alice, conv, rt, got } = await chatThroughProxy()
    await waitFor(() => rt.state === 'open', { what: 'open' })
    await sendMessage(alice, conv.id, 'before')
    await waitFor(() => got.messages.length === 1, { what: 'the first message' })
    proxy.block()
    await waitFor(() => rt.state === 'connecting', { what: 'the cut to be noticed' })
    // Bob's own messages from another device: no pending delivery exists for them.
    for (let i = 1; i <= 3; i++) await sendMessage(bob, conv.id, `own ${i}`)
    proxy.unblock()
    await waitFor(() => got.messages.length === 4, { what: 'the replay of own messages' })
    expect(got.messages.map((m) => m.body)).toEqual(['before', 'own 1', 'own 2', 'own 3'])
    expect(rt.lastSeq(conv.id)).toBe(4)
  })

  test('close() stops for good: state closed and no reconnect', async () => {
    const { http } = await listenApp()
    const { c } = await signedIn(http)
    const rt = c.realtime({ backoff: fastBackoff })
    const got = record(rt)
    await waitFor(() => rt.state === 'open', { what: 'open' })
    rt.close()
    expect(rt.state).toBe('closed')
    expect(got.states.at(-1)).toBe('closed')
    const before = got.states.length
    // A reconnect would first go through a fresh ticket; none may be asked for after close().
    await Bun.sleep(300)
    expect(got.states.length).toBe(before)
  })

  test('a revoked session (4401) ends the realtime client instead of looping', async () => {
    const { http } = await listenApp()
    const { c } = await signedIn(http)
    const rt = c.realtime({ backoff: fastBackoff })
    const got = record(rt)
    const errors: { code: string }[] = []
    rt.on('error', (e) => errors.push(e as { code: string }))
    await waitFor(() => rt.state === 'open', { what: 'open' })
    const res = await fetch(`${http}/api/v1/auth/logout-all`, { method: 'POST', headers: { authorization: `Bearer ${c.tokens!.access_token}` } })
    expect(res.status).toBe(204)
    await waitFor(() => rt.state === 'closed', { what: 'closed after revocation' })
    expect(got.states).toEqual(['connecting', 'open', 'connecting', 'closed'])
    expect(errors.map((e) => e.code)).toContain('token_revoked')
    expect(c.tokens).toBeNull()
  })
})
