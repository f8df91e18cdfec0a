/**
 * A local OpenAI-compatible server (Bun.serve) for tests: `POST /v1/chat/completions`, streaming
 * (SSE chunks, usage chunk, `[DONE]`) and non-streaming. Replies are scripted in order (then a
 * default), failures can be scripted, and every request it receives is recorded.
 */
export type FakeReply =
  | { text: string; usage?: { prompt_tokens: number; completion_tokens: number }; delayMs?: number }
  /** An HTTP error answer (e.g. 500, 503). */
  | { status: number; message?: string }
  /** Answers after `delayMs` (longer than the client's timeout → a timeout). */
  | { hangMs: number }
  /** Streaming only: sends `chunks` of `text`, then an error event (the provider breaks mid-stream). */
  | { text: string; failAfterChunks: number }
  /** Streaming only: sends the chunks slowly (`chunkDelayMs` apart), for client-disconnect tests. */
  | { text: string; chunkDelayMs: number }

export type RecordedRequest = { model: string; stream: boolean; messages: { role: string; content: string }[]; body: Record<string, unknown> }

const chunkOf = (model: string, delta: Record<string, unknown>, finish: string | null = null) => ({
  id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model,
  choices: [{ index: 0, delta, finish_reason: finish }],
})
const words = (text: string) => text.match(/\S+\s*/g) ?? [text]

export async function startFakeOpenAI() {
  const requests: RecordedRequest[] = []
  const queue: FakeReply[] = []
  let fallback: FakeReply = { text: 'Fake mentor reply.' }
  const encoder = new TextEncoder()

  function streamResponse(model: string, reply: FakeReply & { text: string }): Response {
    const pieces = words(reply.text)
    const failAt = 'failAfterChunks' in reply ? reply.failAfterChunks : Infinity
    const gap = 'chunkDelayMs' in reply ? reply.chunkDelayMs : 0
    const body = new ReadableStream<Uint8Array>({
      async start(ctrl) {
        const send = (data: unknown) => ctrl.enqueue(encoder.encode(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`))
        try {
          send(chunkOf(model, { role: 'assistant', content: '' }))
          for (let i = 0; i < pieces.length; i++) {
            if (i >= failAt) {
              send({ error: { message: 'upstream broke off', type: 'server_error' } })
              return ctrl.close()
            }
            if (gap) await Bun.sleep(gap)
            send(chunkOf(model, { content: pieces[i] }))
          }
          send(chunkOf(model, {}, 'stop'))
          send({ ...chunkOf(model, {}), choices: [], usage: { prompt_tokens: 11, completion_tokens: pieces.length, total_tokens: 11 + pieces.length } })
          send('[DONE]')
          ctrl.close()
        } catch {
          // the client went away
        }
      },
    })
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
  }

  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    idleTimeout: 30,
    async fetch(req) {
      const url = new URL(req.url)
      if (req.method !== 'POST' || url.pathname !== '/v1/chat/completions') return new Response('not found', { status: 404 })
      const body = (await req.json()) as Record<string, unknown>
      const rec: RecordedRequest = { model: String(body.model), stream: body.stream === true, messages: body.messages as RecordedRequest['messages'], body }
      requests.push(rec)
      const reply = queue.shift() ?? fallback
      if ('hangMs' in reply) {
        await Bun.sleep(reply.hangMs)
        return Response.json({ error: { message: 'too late' } }, { status: 504 })
      }
      if ('status' in reply) return Response.json({ error: { message: reply.message ?? 'fake failure', type: 'server_error' } }, { status: reply.status })
      if ('delayMs' in reply && reply.delayMs) await Bun.sleep(reply.delayMs)
      if (rec.stream) return streamResponse(rec.model, reply)
      return Response.json({
        id: 'chatcmpl-fake', object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: rec.model,
        choices: [{ index: 0, message: { role: 'assistant', content: reply.text }, finish_reason: 'stop' }],
        usage: 'usage' in reply && reply.usage ? { ...reply.usage, total_tokens: reply.usage.prompt_tokens + reply.usage.completion_tokens } : { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 },
      })
    },
  })

  return {
    url: `http://127.0.0.1:${server.port}/v1`,
    requests,
    /** Queues replies for the next requests, in order. */
    script: (...replies: FakeReply[]) => void queue.push(...replies),
    /** The reply given when nothing is scripted. */
    setDefault: (reply: FakeReply) => void (fallback = reply),
    reset() {
      queue.length = 0
      requests.length = 0
      fallback = { text: 'Fake mentor reply.' }
    },
    /** Everything every recorded request sent as message content, joined (for "never in the prompt" checks). */
    allPromptText: () => requests.flatMap((r) => r.messages.map((m) => m.content)).join('\n'),
    /** Settings that point the app at this server. */
    env: (extra: Record<string, string> = {}) => ({ AI_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-test-fake', OPENAI_BASE_URL: `http://127.0.0.1:${server.port}/v1`, OPENAI_MODEL: 'fake-model', ...extra }),
    close: () => server.stop(true),
  }
}
export type FakeOpenAI = Awaited<ReturnType<typeof startFakeOpenAI>>
