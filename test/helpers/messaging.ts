import { call } from './app'
import { newUser, type TestUser } from './factories'
import { connectWs } from './ws'

/** Creates a conversation through the API as `owner` and returns its body. */
export async function newConversation(owner: TestUser, others: TestUser[], type: 'direct' | 'group' = others.length === 1 ? 'direct' : 'group', name?: string) {
  const r = await call('POST', '/api/v1/conversations', { token: owner.token, body: { type, participant_ids: others.map((u) => u.id), name } })
  if (r.status !== 201 && r.status !== 200) throw new Error(`conversation not created: ${r.status} ${r.text}`)
  return r.body as { id: string; type: string; owner_id: string | null; participants: { id: string }[] }
}

/** Posts a message through the API and returns it. */
export async function sendMessage(user: TestUser, conversationId: string, body: string, clientId?: string) {
  const r = await call('POST', `/api/v1/conversations/${conversationId}/messages`, { token: user.token, body: { body, client_id: clientId } })
  if (r.status !== 201) throw new Error(`message not sent: ${r.status} ${r.text}`)
  return r.body.message as { id: string; seq: number; body: string; conversation_id: string }
}

/** A socket of `user` on the API at `wsBase` (ws://host:port), after its `hello`. */
export async function socketOf(wsBase: string, user: TestUser) {
  const s = await connectWs(`${wsBase}/api/v1/ws`, { authorization: `Bearer ${user.token}` })
  const hello = await s.next('hello')
  return Object.assign(s, { hello: hello.data as { user_id: string; connection_id: string; online_user_ids: string[] } })
}

export async function users(n: number) {
  return Promise.all(Array.from({ length: n }, () => newUser()))
}
