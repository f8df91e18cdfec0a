// The README's chat client, kept here so that the type-check proves it still compiles.
import { createLyceumClient } from '../src'

const c = createLyceumClient({
  baseUrl: 'http://localhost:3000',
  tokens: JSON.parse(localStorage.getItem('tokens') ?? 'null'),
  onTokens: (t) => localStorage.setItem('tokens', JSON.stringify(t)),
})
if (!c.tokens) await c.login('student@lyceum.local', 'lyceum-demo-password')

const { data: convs } = await c.rest.api.v1.conversations.get()
const conv = convs!.items[0]!
const after = JSON.parse(localStorage.getItem('seen') ?? '{}') // {conversation_id: seq}

const rt = c.realtime({ after })
rt.on('state', (s) => console.log('connection:', s)) // connecting | open | closed
rt.on('message', (m) => {
  console.log(`#${m.seq} ${m.sender_id}: ${m.body}`) // once per message, in order
  after[m.conversation_id] = m.seq
  localStorage.setItem('seen', JSON.stringify(after))
})
rt.on('typing', ({ user_id }) => console.log(user_id, 'is typing'))
rt.on('delivery_ack', ({ message_id, user_id }) => console.log(message_id, 'reached', user_id))

async function say(body: string) {
  rt.send('typing_stop', { conversation_id: conv.id })
  await c.rest.api.v1.conversations({ id: conv.id }).messages.post({ body, client_id: crypto.randomUUID() })
}
await say('Hello from @lyceum/client')
