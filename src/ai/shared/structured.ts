import type { TSchema, Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { AiProvider, AiRequest, AiUsage } from '../../platform/ai'

/** Pulls the JSON object out of a reply (models sometimes wrap it in a code fence or prose). */
export function parseJsonObject(text: string): unknown {
  const start = text.indexOf('{')
  const end = text.lastIndexOf('}')
  if (start < 0 || end <= start) return undefined
  try {
    return JSON.parse(text.slice(start, end + 1))
  } catch {
    return undefined
  }
}

export type StructuredResult<S extends TSchema> =
  | { ok: true; value: Static<S>; usage: AiUsage; provider: string; attempts: number }
  | { ok: false; usage: AiUsage; attempts: number; lastText: string }

/**
 * Asks for a JSON object and validates it against `schema`; a malformed answer is retried
 * (`attempts` in all). Provider failures throw (503 `ai_unavailable`); a still-malformed
 * answer is returned as `ok: false` so the caller decides (drop, or a clear error).
 */
export async function completeStructured<S extends TSchema>(
  provider: AiProvider,
  req: AiRequest,
  schema: S,
  attempts = 2,
  /** Runs before each provider call (e.g. reserving AI quota); a throw stops the attempts. */
  beforeAttempt?: () => Promise<void>,
): Promise<StructuredResult<S>> {
  const usage: AiUsage = { prompt_tokens: 0, completion_tokens: 0 }
  let lastText = ''
  for (let i = 1; i <= attempts; i++) {
    await beforeAttempt?.()
    const res = await provider.complete({ ...req, json: true })
    usage.prompt_tokens += res.usage.prompt_tokens
    usage.completion_tokens += res.usage.completion_tokens
    lastText = res.text
    const value = parseJsonObject(res.text)
    if (value !== undefined && Value.Check(schema, value)) return { ok: true, value: value as Static<S>, usage, provider: res.provider, attempts: i }
  }
  return { ok: false, usage, attempts, lastText }
}
