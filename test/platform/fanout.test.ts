import { describe, expect, test } from 'bun:test'
import { listenApp, waitFor } from '../helpers/app'
import { newConversation, sendMessage, socketOf, users } from '../helpers/messaging'
import { spawnReplica } from '../helpers/replica'

/** A counter of a replica's /metrics text (SPEC §13 names), summed over its label sets. */
async function counter(http: string, name: string) {
  const text = await fetch(`${http}/metrics`).then((r) => r.text())
  return text
    .split('\n')
    .filter((l) => l.startsWith(name))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0)
}

describe('targeted fan-out (SPEC §13)', () => {
  test('a replica receives only the envelopes of users it holds a socket of, and stops when they leave', async () => {
    const a = await listenApp()
    const b = await spawnReplica()
    const [alice, bob, carol, dave] = await users(4)
    const onlyOnB = await newConversation(bob!, [carol!])
    const barrierA = await newConversation(dave!, [alice!])
    const aliceOnA = await socketOf(a.ws, alice!)
    const [bobOnB, carolOnB, daveOnB] = await Promise.all([socketOf(b.ws, bob!), socketOf(b.ws, carol!), socketOf(b.ws, dave!)])

    const received = { a: await counter(a.http, 'lyceum_ws_envelopes_received_total'), b: await counter(b.http, 'lyceum_ws_envelopes_received_total') }
    const delivered = { b: await counter(b.http, 'lyceum_ws_frames_delivered_total') }
    for (let i = 1; i <= 5; i++) await sendMessage(bob!, onlyOnB.id, `between B users ${i}`)
    for (let i = 1; i <= 5; i++) await carolOnB.next('message', (d) => d.seq === i)
    for (let i = 1; i <= 5; i++) await bobOnB.next('message', (d) => d.seq === i)
    // A barrier through A: Redis delivers to A's subscriber in publish order, so once this
    // arrives, any envelope published to A before it has arrived too.
    await sendMessage(dave!, barrierA.id, 'barrier')
    await aliceOnA.next('message', (d) => d.body === 'barrier')
    await daveOnB.next('message', (d) => d.body === 'barrier')

    // A holds none of Bob's and Carol's sockets: it received only Alice's barrier envelope.
    expect((await counter(a.http, 'lyceum_ws_envelopes_received_total')) - received.a).toBe(1)
    // B: one envelope per recipient user and message (Bob's echo, Carol) plus Dave's barrier.
    await waitFor(async () => (await counter(b.http, 'lyceum_ws_envelopes_received_total')) - received.b === 11, { what: 'B envelopes' })
    expect((await counter(b.http, 'lyceum_ws_frames_delivered_total')) - delivered.b).toBe(11)

    // Once Bob and Carol have left B, B is no longer subscribed to their channels.
    bobOnB.close()
    carolOnB.close()
    await Promise.all([bobOnB.closed(), carolOnB.closed()])
    await waitFor(async () => {
      const before = await counter(b.http, 'lyceum_ws_envelopes_received_total')
      await sendMessage(bob!, onlyOnB.id, 'nobody on B')
      await sendMessage(alice!, barrierA.id, 'barrier 2')
      await daveOnB.next('message', (d) => d.body === 'barrier 2')
      return (await counter(b.http, 'lyceum_ws_envelopes_received_total')) - before === 1
    }, { what: 'B to drop the channels of users who left', timeoutMs: 5000 })
    aliceOnA.close()
    daveOnB.close()
    b.proc.kill('SIGTERM')
    await b.proc.exited
  }, 30000)

  test('a socket that opens while messages flow loses none: subscribe, hello, then pending deliveries', async () => {
    const a = await listenApp()
    const [alice, bob] = await users(2)
    const conv = await newConversation(alice!, [bob!])
    let sent = 0
    let stop = false
    const sender = (async () => {
      while (!stop && sent < 200) {
        sent++
        await sendMessage(alice!, conv.id, `flow ${sent}`)
      }
    })()
    await waitFor(() => sent >= 5, { what: 'traffic' })
    const bobSocket = await socketOf(a.ws, bob!)
    await waitFor(() => sent >= 25, { what: 'more traffic' })
    stop = true
    await sender
    // Every message reaches the socket (live or as a pending delivery), first frame was hello.
    const seen = new Set<number>()
    await waitFor(async () => {
      const f = await bobSocket.next('message', () => true, 5000)
      seen.add(f.data.seq)
      return seen.size === sent
    }, { what: `all ${sent} messages`, timeoutMs: 15000 })
    expect(bobSocket.hello.user_id).toBe(bob!.id)
    bobSocket.close()
  }, 30000)
})
