import type { Tx } from '../../platform/db'
import type { Deps } from '../../platform/deps'
import type { AiUsage } from '../../platform/ai'
import { aiErrors } from '../errors'
import { countLimited } from '../../platform/http/rate-limit'

const today = () => new Date().toISOString().slice(0, 10)

/**
 * Counts one AI provider call against the learner's daily quota (AI_DAILY_MESSAGES; 0 turns it
 * off) or throws 429 `ai_quota_exceeded`. Called before the provider is: the upsert only
 * increments below the limit, so parallel requests (on any replica) cannot overshoot it.
 */
export async function reserveQuota(deps: Pick<Deps, 'sql' | 'config'> & Partial<Pick<Deps, 'metrics'>>, userId: string) {
  const limit = deps.config.AI_DAILY_MESSAGES
  if (limit <= 0) return
  const rows = await deps.sql`
    insert into ai_usage (user_id, day, messages) values (${userId}, ${today()}, 1)
    on conflict (user_id, day) do update set messages = ai_usage.messages + 1 where ai_usage.messages < ${limit}
    returning messages`
  if (rows.length === 0) {
    countLimited(deps, 'ai_daily_messages')
    throw aiErrors.quotaExceeded()
  }
}

/** Gives back a reserved message when the provider failed before anything was stored. */
export async function refundQuota(deps: Pick<Deps, 'sql'>, userId: string, count = 1) {
  if (count <= 0) return
  await deps.sql`update ai_usage set messages = greatest(messages - ${count}, 0) where user_id = ${userId} and day = ${today()}`
}

/** Adds token usage to the learner's daily totals. */
export async function recordTokens(sql: Tx, userId: string, usage: AiUsage) {
  await sql`
    insert into ai_usage (user_id, day, prompt_tokens, completion_tokens)
    values (${userId}, ${today()}, ${usage.prompt_tokens}, ${usage.completion_tokens})
    on conflict (user_id, day) do update set
      prompt_tokens = ai_usage.prompt_tokens + excluded.prompt_tokens,
      completion_tokens = ai_usage.completion_tokens + excluded.completion_tokens`
}

/** Today's usage of the learner against the quota, and tokens spent today. */
export async function usageToday(deps: Pick<Deps, 'sql' | 'config'>, userId: string) {
  const day = today()
  const [row] = await deps.sql<{ messages: number; prompt_tokens: number; completion_tokens: number }[]>`
    select messages, prompt_tokens::int, completion_tokens::int from ai_usage where user_id = ${userId} and day = ${day}`
  const used = row?.messages ?? 0
  const limit = deps.config.AI_DAILY_MESSAGES
  return {
    day,
    messages: used,
    daily_limit: limit,
    remaining: Math.max(0, limit - used),
    prompt_tokens: row?.prompt_tokens ?? 0,
    completion_tokens: row?.completion_tokens ?? 0,
    provider: deps.config.AI_PROVIDER,
  }
}
