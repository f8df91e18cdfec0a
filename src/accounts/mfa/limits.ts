/**
 * MFA abuse limits of SPEC §12, per account, in Redis (shared by every replica). Times come
 * from the accounts clock so tests move time instead of sleeping; keys still expire in real time.
 * - Lockout: 5 wrong codes kill a challenge; the second failed challenge within an hour of the
 *   previous one locks the account's MFA for 1 minute, each further one doubles it (2, 4 … min).
 * - Emailed codes: at most one per 60 s and LIMIT_MFA_EMAILS_PER_HOUR (5) per hour.
 */
import { httpErrors } from '../../platform/http/errors'
import { countLimited } from '../../platform/http/rate-limit'
import { now } from '../clock'
import type { AccountsDeps } from '../types'

export const LOCKOUT_WINDOW_MS = 60 * 60 * 1000
export const LOCKOUT_BASE_MS = 60 * 1000
const LOCKOUT_MAX_MS = 24 * 60 * 60 * 1000
export const EMAIL_CODE_INTERVAL_MS = 60 * 1000
export const EMAIL_CODE_WINDOW_MS = 60 * 60 * 1000

// The metrics are optional: refusals are counted when the composition root's deps carry them.
type Deps = Pick<AccountsDeps, 'redis' | 'keys'> & Parameters<typeof countLimited>[0]
type EmailDeps = Deps & Pick<AccountsDeps, 'config'>
const lockKey = (deps: Deps, userId: string) => deps.keys('acct', 'mfa-lock', userId)
const emailKey = (deps: Deps, userId: string) => deps.keys('acct', 'mfa-emails', userId)
const int = (n: number) => String(Math.floor(n))

// ARGV: now, window, base, max. Returns the lockout (ms) this failure starts.
const FAIL = `
local now = tonumber(ARGV[1])
local last = tonumber(redis.call('HGET', KEYS[1], 'last') or '0')
local n = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
if now - last > tonumber(ARGV[2]) then n = 0 end
n = n + 1
local lock = 0
if n >= 2 then lock = math.min(tonumber(ARGV[3]) * 2 ^ math.min(n - 2, 20), tonumber(ARGV[4])) end
redis.call('HSET', KEYS[1], 'n', n, 'last', string.format('%.0f', now), 'until', string.format('%.0f', now + lock))
redis.call('PEXPIRE', KEYS[1], string.format('%.0f', tonumber(ARGV[2]) + lock))
return string.format('%.0f', lock)`

/** Records a challenge killed by wrong codes; returns the lockout it starts (0 for the first). */
export async function recordFailedChallenge(deps: Deps, userId: string): Promise<number> {
  const args = [int(now()), int(LOCKOUT_WINDOW_MS), int(LOCKOUT_BASE_MS), int(LOCKOUT_MAX_MS)]
  return Number(await deps.redis.eval(FAIL, { keys: [lockKey(deps, userId)], arguments: args }))
}

/** 429 `rate_limited` (Retry-After: the rest of the lockout) while the account's MFA is locked. */
export async function assertMfaNotLocked(deps: Deps, userId: string) {
  const until = Number((await deps.redis.hGet(lockKey(deps, userId), 'until')) ?? 0)
  const left = until - now()
  if (left > 0) {
    countLimited(deps, 'mfa-lockout')
    throw httpErrors.rateLimited(left / 1000)
  }
}

// ARGV: now, interval, window, max, a unique member suffix. Returns 0 (slot taken) or the ms to wait.
const EMAIL = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now - window))
local last = redis.call('ZREVRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if last[2] and now - tonumber(last[2]) < tonumber(ARGV[2]) then return string.format('%.0f', tonumber(last[2]) + tonumber(ARGV[2]) - now) end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return string.format('%.0f', math.max(1, tonumber(first[2]) + window - now))
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[1] .. ':' .. ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return '0'`

/**
 * Takes the account's slot for one emailed code. Returns 0 when the code may be sent, else the
 * milliseconds until the next one may (nothing is counted then). LIMIT_MFA_EMAILS_PER_HOUR=0 turns
 * both limits off.
 */
export async function takeEmailCodeSlot(deps: EmailDeps, userId: string): Promise<number> {
  const perHour = deps.config.LIMIT_MFA_EMAILS_PER_HOUR
  if (perHour <= 0) return 0
  const args = [int(now()), int(EMAIL_CODE_INTERVAL_MS), int(EMAIL_CODE_WINDOW_MS), int(perHour), crypto.randomUUID()]
  const wait = Number(await deps.redis.eval(EMAIL, { keys: [emailKey(deps, userId)], arguments: args }))
  if (wait > 0) countLimited(deps, 'mfa-emails')
  return wait
}

/** Like `takeEmailCodeSlot`, but throws 429 `rate_limited` with Retry-After when no code may be sent. */
export async function assertEmailCodeSlot(deps: EmailDeps, userId: string) {
  const wait = await takeEmailCodeSlot(deps, userId)
  if (wait > 0) throw httpErrors.rateLimited(wait / 1000)
}
