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
  if (rule.limit <= 0) return { allowed: true, count: 0, retryAfterSeconds: 0 }
  const key = deps.keys('rl', rule.name, subject)
  const [count, ttl] = (await deps.redis.eval(SCRIPT, { keys: [key], arguments: [String(rule.windowSeconds * 1000)] })) as [number, number]
  return { allowed: count <= rule.limit, count, retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)) }
}

/** Throws 429 `rate_limited` (with Retry-After) when any of the (rule, subject) pairs is over its limit. */
export async function enforceRateLimits(deps: { redis: Redis; keys: Keyspace } & LimitedCounter, checks: [RateLimitRule, string][]): Promise<void> {
  const results = await Promise.all(checks.map(([rule, subject]) => hitRateLimit(deps, rule, subject)))
  const over = results.filter((r) => !r.allowed)
  for (const [i, r] of results.entries()) if (!r.allowed) countLimited(deps, checks[i]![0].name)
  if (over.length) throw httpErrors.rateLimited(Math.max(...over.map((r) => r.retryAfterSeconds)))
}

/** Clears a subject's counter (e.g. after a successful login). */
export async function resetRateLimit(deps: { redis: Redis; keys: Keyspace }, rule: RateLimitRule, subject: string) {
  await deps.redis.del(deps.keys('rl', rule.name, subject))
}

/**
 * A token bucket (GCRA: one key per subject holding the bucket's "theoretical arrival time"):
 * `limit` tokens refill evenly over `windowSeconds`, at most `burst` (default `limit`) at once.
 * Redis' own clock is used, so every replica sees the same bucket. A limit of 0 turns it off.
 */
export type BucketRule = { name: string; limit: number; windowSeconds: number; burst?: number }

const BUCKET = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local next = tat + interval
local wait = next - burst * interval - now
if wait > 0 then return {0, wait} end
redis.call('SET', KEYS[1], next, 'PX', math.ceil(next - now))
return {1, 0}`
/** Buckets known empty on this replica (per Redis client): (rule, subject) → epoch ms of the next token. Bounded. */
const emptyBuckets = new WeakMap<object, Map<string, number>>()
const MAX_EMPTY_BUCKETS = 10_000
const BUCKET_SHA = new Bun.CryptoHasher('sha1').update(BUCKET).digest('hex')

/** Who is counting refusals (the composition root's metrics); optional so scripts and tests may omit it. */
type LimitedCounter = { metrics?: { rateLimited?: { inc(labels: { limit: string }): void } } }

/** Counts a request refused by the limit called `name` on /metrics (`lyceum_rate_limited_total`). */
export function countLimited(deps: LimitedCounter, name: string) {
  deps.metrics?.rateLimited?.inc({ limit: name })
}

/** Takes one token from `subject`'s bucket; when empty, 429 `rate_limited` with Retry-After. */
export async function takeToken(deps: { redis: Redis; keys: Keyspace } & LimitedCounter, rule: BucketRule, subject: string): Promise<void> {
  if (rule.limit <= 0) return
  // A bucket Redis called empty until T stays empty until T whatever other replicas do (tokens
  // are only taken, never given back), so this replica refuses locally until then: a client
  // hammering past its limit costs no Redis round trip.
  let emptyUntil = emptyBuckets.get(deps.redis)
  if (!emptyUntil) emptyBuckets.set(deps.redis, (emptyUntil = new Map()))
  const local = `${rule.name}\u0000${subject}`
  const until = emptyUntil.get(local)
  if (until !== undefined) {
    const waitMs = until - Date.now()
    if (waitMs > 0) {
      countLimited(deps, rule.name)
      throw httpErrors.rateLimited(waitMs / 1000)
    }
    emptyUntil.delete(local)
  }
  const interval = (rule.windowSeconds * 1000) / rule.limit
  const burst = Math.max(1, rule.burst ?? rule.limit)
  const args = { keys: [deps.keys('rl', rule.name, subject)], arguments: [String(interval), String(burst)] }
  // By hash (the script text is not sent each time); the first call on a fresh Redis loads it.
  const [ok, waitMs] = (await deps.redis.evalSha(BUCKET_SHA, args).catch((err: Error) => {
    if (!String(err?.message).includes('NOSCRIPT')) throw err
    return deps.redis.eval(BUCKET, args)
  })) as [number, number]
  if (ok === 1) return
  if (emptyUntil.size >= MAX_EMPTY_BUCKETS) emptyUntil.clear()
  emptyUntil.set(local, Date.now() + waitMs)
  countLimited(deps, rule.name)
  throw httpErrors.rateLimited(waitMs / 1000)
}

// Reserves one unit unless the window is already full (then nothing is counted).
const TAKE = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[2]) then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then ttl = tonumber(ARGV[1]) end
  return {0, n, ttl}
end
n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {1, n, redis.call('PTTL', KEYS[1])}`

// Gives a reserved unit back, never creating a key (an expired window stays expired).
const REFUND = `
if redis.call('EXISTS', KEYS[1]) == 1 and tonumber(redis.call('GET', KEYS[1])) > 0 then return redis.call('DECR', KEYS[1]) end
return 0`

/**
 * Reserves one unit of `rule` for `subject` BEFORE the thing it limits is tried, so parallel
 * requests cannot get past the limit; a full window reserves nothing. Pair with
 * `refundRateLimit` when the try turns out not to count (e.g. only failures count).
 * A limit of 0 is off: everything is allowed and nothing is stored.
 */
export async function takeRateLimit(deps: { redis: Redis; keys: Keyspace } & LimitedCounter, rule: RateLimitRule, subject: string): Promise<RateLimitResult> {
  if (rule.limit <= 0) return { allowed: true, count: 0, retryAfterSeconds: 0 }
  const key = deps.keys('rl', rule.name, subject)
  const [taken, count, ttl] = (await deps.redis.eval(TAKE, { keys: [key], arguments: [String(rule.windowSeconds * 1000), String(rule.limit)] })) as [number, number, number]
  if (taken !== 1) countLimited(deps, rule.name)
  return { allowed: taken === 1, count, retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)) }
}

/** Gives back a unit reserved with `takeRateLimit`. */
export async function refundRateLimit(deps: { redis: Redis; keys: Keyspace }, rule: RateLimitRule, subject: string) {
  await deps.redis.eval(REFUND, { keys: [deps.keys('rl', rule.name, subject)] })
}
