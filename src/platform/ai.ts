/**
 * The AI provider layer: any OpenAI-compatible chat endpoint through the `openai` SDK
 * (`OPENAI_BASE_URL`, `OPENAI_API_KEY`, `OPENAI_MODEL`, `OPENAI_TIMEOUT_MS`, one retry), or the
 * deterministic `offline` provider (no key, or `AI_PROVIDER=offline`). Every provider failure
 * or timeout becomes 503 `ai_unavailable`, never a 500.
 */
import OpenAI from 'openai'
import type { Config } from './config'
import { AppError } from './http/errors'

export type AiMessage = { role: 'system' | 'user' | 'assistant'; content: string }
export type AiUsage = { prompt_tokens: number; completion_tokens: number }
export type ProviderName = 'openai' | 'offline'

export type AiRequest = {
  messages: AiMessage[]
  /** Ask for a JSON object (`response_format: json_object`). */
  json?: boolean
  maxTokens?: number
  signal?: AbortSignal
  /** The deterministic answer the offline provider gives, built by the caller from the learner's data. */
  offline: () => string
}
export type AiCompletion = { text: string; usage: AiUsage; provider: ProviderName }
export type AiStream = { provider: ProviderName; deltas: AsyncIterable<string>; usage: () => AiUsage }

export type AiProvider = {
  name: ProviderName
  model: string
  complete(req: AiRequest): Promise<AiCompletion>
  /** Resolves once the provider has accepted the request (so failures can still be a 503). */
  stream(req: AiRequest): Promise<AiStream>
}

/** 503 `ai_unavailable`: the provider failed, timed out or answered something unusable. */
export const aiUnavailable = (message = 'The AI provider is unavailable, try again shortly') => new AppError(503, 'ai_unavailable', message)

/** Rough token count (~4 characters a token) for budgets and providers that report no usage. */
export const estimateTokens = (text: string) => Math.ceil(text.length / 4)
const estimateUsage = (messages: AiMessage[], reply: string): AiUsage => ({
  prompt_tokens: messages.reduce((n, m) => n + estimateTokens(m.content) + 4, 0),
  completion_tokens: estimateTokens(reply),
})

function offlineProvider(): AiProvider {
  return {
    name: 'offline',
    model: 'offline',
    async complete(req) {
      const text = req.offline()
      return { text, usage: estimateUsage(req.messages, text), provider: 'offline' }
    },
    async stream(req) {
      const text = req.offline()
      async function* deltas() {
        for (const piece of text.match(/\S+\s*/g) ?? [text]) {
          if (req.signal?.aborted) return
          yield piece
          await Bun.sleep(0)
        }
      }
      return { provider: 'offline', deltas: deltas(), usage: () => estimateUsage(req.messages, text) }
    },
  }
}

function toUnavailable(err: unknown): Error {
  if (err instanceof AppError) return err
  const status = (err as { status?: number }).status
  return aiUnavailable(status ? `The AI provider answered ${status}, try again shortly` : undefined)
}

function openaiProvider(config: Config): AiProvider {
  const client = new OpenAI({
    apiKey: config.OPENAI_API_KEY,
    baseURL: config.OPENAI_BASE_URL || undefined,
    timeout: config.OPENAI_TIMEOUT_MS,
    maxRetries: 1,
  })
  const model = config.OPENAI_MODEL
  const base = (req: AiRequest) => ({
    model,
    messages: req.messages,
    ...(req.maxTokens ? { max_tokens: req.maxTokens } : {}),
    ...(req.json ? { response_format: { type: 'json_object' as const } } : {}),
  })
  return {
    name: 'openai',
    model,
    async complete(req) {
      try {
        const res = await client.chat.completions.create({ ...base(req), stream: false }, { signal: req.signal })
        const text = res.choices[0]?.message?.content
        if (typeof text !== 'string') throw aiUnavailable('The AI provider returned no content')
        const usage = res.usage ? { prompt_tokens: res.usage.prompt_tokens, completion_tokens: res.usage.completion_tokens } : estimateUsage(req.messages, text)
        return { text, usage, provider: 'openai' }
      } catch (err) {
        throw toUnavailable(err)
      }
    },
    async stream(req) {
      let stream: Awaited<ReturnType<typeof client.chat.completions.create>> & AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>
      try {
        stream = (await client.chat.completions.create(
          { ...base(req), stream: true, stream_options: { include_usage: true } },
          { signal: req.signal },
        )) as typeof stream
      } catch (err) {
        throw toUnavailable(err)
      }
      let reported: AiUsage | undefined
      let text = ''
      async function* deltas() {
        try {
          for await (const chunk of stream) {
            if (chunk.usage) reported = { prompt_tokens: chunk.usage.prompt_tokens, completion_tokens: chunk.usage.completion_tokens }
            const delta = chunk.choices?.[0]?.delta?.content
            if (delta) {
              text += delta
              yield delta
            }
          }
        } catch (err) {
          if (req.signal?.aborted) return
          throw toUnavailable(err)
        }
      }
      return { provider: 'openai', deltas: deltas(), usage: () => reported ?? estimateUsage(req.messages, text) }
    },
  }
}

const cache = new WeakMap<Config, AiProvider>()

/** The provider the settings select (cached per settings object). */
export function aiProvider(config: Config): AiProvider {
  let p = cache.get(config)
  if (!p) {
    p = config.AI_PROVIDER === 'openai' && config.OPENAI_API_KEY ? openaiProvider(config) : offlineProvider()
    cache.set(config, p)
  }
  return p
}
