import { describe, expect, test } from 'bun:test'
import { call, listenApp, testApp } from '../helpers/app'
import { spawnReplica } from '../helpers/replica'
import { newUser } from '../helpers/factories'
import { connectWs } from '../helpers/ws'
import { revokeSessionAccess, tokenDepsOf } from '../../src/platform/http/auth'

const upgradeHeaders = { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' }

describe('WebSocket endpoint', () => {
  test('missing or bad credentials → HTTP 401 before the upgrade', async () => {
    const { http } = await listenApp()
    const none = await fetch(`${http}/api/v1/ws`, { headers: upgradeHeaders })
    expect(none.status).toBe(401)
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('unauthorized')
    const bad = await fetch(`${http}/api/v1/ws?token=not.a.jwt`, { headers: upgradeHeaders })
    expect(bad.status).toBe(401)
    const badTicket = await fetch(`${http}/api/v1/ws?ticket=nope`, { headers: upgradeHeaders })
    expect(badTicket.status).toBe(401)
  })

  test('hello, ping/pong, and a bad frame answered with error without closing', async () => {
    const { ws } = await listenApp()
    const u = await newUser()
    const c = await connectWs(`${ws}/api/v1/ws`, { authorization: `Bearer ${u.token}` })
    const hello = await c.next('hello')
    expect(hello.data.user_id).toBe(u.id)
    expect(hello.data.connection_id).toBeString()
    expect(hello.data.online_user_ids).toBeArray()
    c.send('ping')
    await c.next('pong')
    c.sendRaw('not json at all')
    expect((await c.next('error')).data.code).toBe('bad_frame')
    c.send('no_such_frame', {})
    expect((await c.next('error')).data.code).toBe('bad_frame')
    c.send('ping')
    await c.next('pong') // still open
    // SPEC §12: a frame over 64 KiB is not answered but closes the socket with 1009 (test/platform/ws-bounds.test.ts).
    c.sendRaw(JSON.stringify({ type: 'ping', data: 'x'.repeat(70 * 1024) }))
    expect((await c.closed()).code).toBe(1009)
  })

  test('a flood of frames is refused with rate_limited, the socket stays open', async () => {
    const { ws } = await listenApp()
    const u = await newUser()
    const c = await connectWs(`${ws}/api/v1/ws?token=${u.token}`)
    await c.next('hello')
    for (let i = 0; i < 150; i++) c.send('ping')
    expect((await c.next('error', (d) => d.code === 'rate_limited')).data.message).toBeString()
    c.close()
  })

  test('browser ticket: single use, valid once', async () => {
    const { ws } = await listenApp()
    const u = await newUser()
    const t = await call('POST', '/api/v1/ws/ticket', { token: u.token })
    expect(t.status).toBe(200)
    expect(t.body.expires_in).toBe(30)
    const c = await connectWs(`${ws}/api/v1/ws?ticket=${t.body.ticket}`)
    expect((await c.next('hello')).data.user_id).toBe(u.id)
    c.close()
    await expect(connectWs(`${ws}/api/v1/ws?ticket=${t.body.ticket}`)).rejects.toThrow()
    expect((await call('POST', '/api/v1/ws/ticket')).status).toBe(401)
  })

  test('revoking the session closes its sockets with 4401', async () => {
    const { ws } = await listenApp()
    const { deps } = await testApp()
    const u = await newUser()
    const c = await connectWs(`${ws}/api/v1/ws`, { authorization: `Bearer ${u.token}` })
    await c.next('hello')
    await revokeSessionAccess(tokenDepsOf(deps), u.sid)
    await deps.hub.closeSockets({ userId: u.id, sid: u.sid })
    expect((await c.closed()).code).toBe(4401)
    // And the revoked token cannot reconnect.
    await expect(connectWs(`${ws}/api/v1/ws`, { authorization: `Bearer ${u.token}` })).rejects.toThrow()
  })
})

describe('fan-out across replicas', () => {
  test('an event published on one API process reaches a socket on a second API process', async () => {
    const second = await spawnReplica()
    const u = await newUser()
    const c = await connectWs(`${second.ws}/api/v1/ws`, { authorization: `Bearer ${u.token}` })
    await c.next('hello')
    const { deps } = await testApp() // this process is replica A
    await deps.hub.publish([u.id], 'notification', { kind: 'order_status', order_id: 'o-1', status: 'shipped' })
    const f = await c.next('notification')
    expect(f.data).toEqual({ kind: 'order_status', order_id: 'o-1', status: 'shipped' })
    c.close()
  })

  test('logging out on one API process closes the session\'s socket on a second one (4401), whose mirror then refuses the token', async () => {
    const second = await spawnReplica()
    const u = await newUser()
    const c = await connectWs(`${second.ws}/api/v1/ws`, { authorization: `Bearer ${u.token}` })
    await c.next('hello')
    // This process is replica A: the logout goes through it, the socket lives on B.
    expect((await call('POST', '/api/v1/auth/logout', { token: u.token, body: {} })).status).toBe(204)
    expect((await c.closed()).code).toBe(4401)
    const me = await fetch(`${second.http}/api/v1/me`, { headers: { authorization: `Bearer ${u.token}` } })
    expect(me.status).toBe(401)
    await expect(connectWs(`${second.ws}/api/v1/ws`, { authorization: `Bearer ${u.token}` })).rejects.toThrow()
  })
})
