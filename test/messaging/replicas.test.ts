import { beforeAll, describe, expect, test } from 'bun:test'
import { listenApp, waitFor } from '../helpers/app'
import { newConversation, socketOf, users } from '../helpers/messaging'
import { spawnReplica } from '../helpers/replica'

// Replica A is an in-process API on a real port; replica B is a second `bun src/index.ts` process.
let a: Awaited<ReturnType<typeof listenApp>>
beforeAll(async () => {
  a = await listenApp()
})

describe('two replicas', () => {
  test('a message posted through A reaches the recipient on B; its ack on B gives delivery_ack on A', async () => {
    const b = await spawnReplica()
    const [alice, bob] = await users(2)
    const conv = await newConversation(alice!, [bob!])
    const [onA, onB] = await Promise.all([socketOf(a.ws, alice!), socketOf(b.ws, bob!)])
    const res = await fetch(`${a.http}/api/v1/conversations/${conv.id}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice!.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'across replicas', client_id: 'x-1' }),
    })
    expect(res.status).toBe(201)
    const { message } = (await res.json()) as { message: { id: string } }
    const got = await onB.next('message', (d) => d.id === message.id)
    expect(got.data).toMatchObject({ body: 'across replicas', sender_id: alice!.id, seq: 1 })
    onB.send('ack', { message_id: message.id })
    expect((await onA.next('delivery_ack')).data).toEqual({ message_id: message.id, user_id: bob!.id, status: 'delivered' })
    // Typing on B reaches A too.
    onB.send('typing', { conversation_id: conv.id })
    expect((await onA.next('typing')).data).toEqual({ user_id: bob!.id, conversation_id: conv.id })
    onA.close()
    onB.close()
    b.proc.kill('SIGTERM')
    await b.proc.exited
  }, 30000)

  test('a user online on both replicas stays online until the last socket closes; a killed replica takes its users offline', async () => {
    const b = await spawnReplica()
    const [alice, bob, carol] = await users(3)
    await newConversation(alice!, [bob!])
    await newConversation(alice!, [carol!])
    const watcher = await socketOf(a.ws, alice!)
    const bobOnA = await socketOf(a.ws, bob!)
    expect((await watcher.next('presence', (d) => d.user_id === bob!.id)).data.status).toBe('online')
    const bobOnB = await socketOf(b.ws, bob!)
    const carolOnB = await socketOf(b.ws, carol!)
    expect(carolOnB.hello.online_user_ids).toEqual([alice!.id])
    expect((await watcher.next('presence', (d) => d.user_id === carol!.id)).data.status).toBe('online')

    bobOnA.close()
    await bobOnA.closed()
    b.proc.kill('SIGKILL')
    const killedAt = Date.now()
    // Neither user's sockets closed cleanly: presence expiry (TTL + sweep) must take them offline.
    const offline = new Set<string>()
    await waitFor(async () => {
      const f = await watcher.next('presence', (d) => d.status === 'offline', 20000)
      offline.add(f.data.user_id)
      return offline.has(bob!.id) && offline.has(carol!.id)
    }, { timeoutMs: 25000, intervalMs: 1 })
    expect(Date.now() - killedAt).toBeLessThan(15000)
    expect(bobOnB.ws.readyState).not.toBe(WebSocket.OPEN)
    watcher.close()
  }, 40000)
})
