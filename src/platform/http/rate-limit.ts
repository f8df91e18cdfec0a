import type { Keyspace, Redis } from '../redis'
import { httpErrors } from './errors'

export type RateLimitRule = { name: string; limit: number; windowSeconds: number }

// Fixed window per (rule, subject): INCR, set the expiry on the first hit, read the TTL.
const SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`

export type RateLimitResult = { allowed: boolean; count: number; retryAfterSeconds: number }

/** Counts one hit of `subject` against `rule` and says whether it is within the limit. */
export async function hitRateLimit(deps: { redis: Redis; keys: Keyspace }, rule: RateLimitRule, subject: string): Promise<RateLimitResult> {
  const key = deps.keys('rl', rule.name, subject)
  const [count, ttl] = (await deps.redis.eval(SCRIPT, { keys: [key], arguments: [String(rule.windowSeconds * 1000)] })) as [number, number]
  return { allowed: count <= rule.limit, count, retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)) }
}

/** Throws 429 `rate_limited` (with Retry-After) when any of the (rule, subject) pairs is over its limit. */
export async function enforceRateLimits(deps: { redis: Redis; keys: Keyspace }, checks: [RateLimitRule, string][]): Promise<void> {
  const results = await Promise.all(checks.map(([rule, subject]) => hitRateLimit(deps, rule, subject)))
  const over = results.filter((r) => !r.allowed)
  if (over.length) throw httpErrors.rateLimited(Math.max(...over.map((r) => r.retryAfterSeconds)))
}

/** Clears a subject's counter (e.g. after a successful login). */
export async function resetRateLimit(deps: { redis: Redis; keys: Keyspace }, rule: RateLimitRule, subject: string) {
  await deps.redis.del(deps.keys('rl', rule.name, subject))
}
