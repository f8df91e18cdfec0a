/**
 * SPEC §15: /asyncapi.json is an AsyncAPI 3 document that parses without errors and names
 * every frame the server accepts (the hub's registered client frames) and every frame it sends.
 */
import { expect, test } from 'bun:test'
import { Parser } from '@asyncapi/parser'
import { call, testApp } from '../helpers/app'
import { ServerFrames } from '../../src/platform/ws/events'
import { Message } from '../../src/messaging/messages/model'

test('the AsyncAPI document parses with @asyncapi/parser and names every frame in both directions', async () => {
  const res = await call('GET', '/asyncapi.json')
  expect(res.status).toBe(200)
  expect(res.body.asyncapi).toStartWith('3.')
  const { document, diagnostics } = await new Parser().parse(res.text)
  expect(diagnostics.filter((d) => d.severity === 0).map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`)).toEqual([])
  expect(document).toBeDefined()

  const framesOf = (action: 'send' | 'receive') =>
    document!.operations().all().filter((op) => op.action() === action)
      .flatMap((op) => op.messages().all().map((m) => (m.payload()?.json() as any)?.properties?.type?.const as string))
      .sort()
  const { deps } = await testApp()
  const clientTypes = Object.keys(deps.hub.clientFrames()).sort()
  expect(clientTypes).toEqual(expect.arrayContaining(['ack', 'ping', 'read', 'resume', 'typing', 'typing_stop']))
  expect(framesOf('receive')).toEqual(clientTypes)
  expect(framesOf('send')).toEqual(Object.keys(ServerFrames).sort())
  expect(framesOf('send')).toEqual(expect.arrayContaining(['hello', 'pong', 'message', 'message_updated', 'delivery_ack', 'read_receipt', 'typing', 'typing_stop', 'presence', 'resumed', 'notification', 'error']))
})

test('each frame carries its data schema, as the hub validates it', async () => {
  const doc = (await call('GET', '/asyncapi.json')).body
  const resume = doc.components.messages.client_resume.payload.properties.data
  expect(resume.required).toEqual(['conversations'])
  expect(resume.properties.conversations.items.properties.after_seq.minimum).toBe(0)
  const message = doc.components.messages.server_message.payload.properties.data
  expect(message.properties.seq.type).toBe('integer')
  expect(doc.components.messages.server_resumed.payload.properties.data.properties.has_more.type).toBe('boolean')
  expect(doc.components.messages.server_notification.payload.properties.data.anyOf.length).toBe(7) // the six kinds of SPEC §11 and quiz_regraded (§14)
})

test('the message frame has the same fields as the REST message resource', () => {
  expect(Object.keys(ServerFrames.message.properties).sort()).toEqual(Object.keys(Message.properties).sort())
})
