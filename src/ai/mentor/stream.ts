import type { Deps } from '../../platform/deps'
import { aiProvider, type AiStream } from '../../platform/ai'
import { AppError } from '../../platform/http/errors'
import { refundQuota } from '../shared/usage'
import { prepareChat, storeExchange, type PreparedChat } from './service'
import type { ChatBody } from './model'

type StreamDeps = Pick<Deps, 'sql' | 'config' | 'log'>
const frame = (data: unknown, event?: string) => `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`

/**
 * POST /ai/chat as SSE. Quota and provider checks run before the response exists (so they
 * are plain 429/503 answers); after that, failures become an `event: error` frame. The reply
 * is stored when the stream ends — `interrupted` if the client left or the provider broke off.
 */
export async function chatStream(deps: StreamDeps, userId: string, body: typeof ChatBody.static, request: Request): Promise<Response> {
  const prepared = await prepareChat(deps, userId, body)
  const abort = new AbortController()
  let stream: AiStream
  try {
    stream = await aiProvider(deps.config).stream({ messages: prepared.messages, offline: prepared.offline, signal: abort.signal })
  } catch (err) {
    await refundQuota(deps, userId)
    throw err
  }
  let closed = false
  const stop = () => {
    closed = true
    abort.abort()
  }
  request.signal?.addEventListener('abort', stop)
  const encoder = new TextEncoder()
  const body$ = new ReadableStream<Uint8Array>({
    async start(ctrl) {
      const send = (s: string) => {
        if (closed) return
        try {
          ctrl.enqueue(encoder.encode(s))
        } catch {
          closed = true
        }
      }
      send(frame({ conversation_id: prepared.conversationId, provider: stream.provider }))
      const outcome = await pump(stream, send, () => closed)
      await store(deps, prepared, stream, outcome)
      if (outcome.error) send(frame({ code: outcome.error.code, message: outcome.error.message }, 'error'))
      else send(frame('[DONE]'))
      if (!closed) ctrl.close()
    },
    cancel: stop,
  })
  return new Response(body$, {
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' },
  })
}

type Outcome = { text: string; interrupted: boolean; error?: { code: string; message: string } }

async function pump(stream: AiStream, send: (s: string) => void, isClosed: () => boolean): Promise<Outcome> {
  let text = ''
  try {
    for await (const delta of stream.deltas) {
      if (isClosed()) break
      text += delta
      send(frame({ delta }))
    }
    return { text, interrupted: isClosed() }
  } catch (err) {
    const e = err instanceof AppError ? err : new AppError(503, 'ai_unavailable', 'The AI provider failed mid-stream')
    return { text, interrupted: true, error: { code: e.code, message: e.message } }
  }
}

async function store(deps: StreamDeps, prepared: PreparedChat, stream: AiStream, outcome: Outcome) {
  try {
    await storeExchange(deps, prepared, { text: outcome.text, status: outcome.interrupted ? 'interrupted' : 'complete', provider: stream.provider, usage: stream.usage() })
  } catch (err) {
    deps.log.error('storing a streamed reply failed', { conversation_id: prepared.conversationId, error: String((err as Error)?.message ?? err) })
  }
}
