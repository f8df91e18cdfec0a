import type { AccountsDeps } from '../types'

// Counts an attempt only on a live record (never recreates a deleted one without its TTL).
const TAKE = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return -1 end
return redis.call('HINCRBY', KEYS[1], 'attempts', 1)`

/**
 * Reserves one code attempt on a Redis hash record BEFORE the code is checked, so parallel
 * guesses cannot get past the limit. Returns the attempt number, or null if the record is gone
 * or its attempts are used up (the record is then deleted).
 */
export async function takeAttempt(deps: Pick<AccountsDeps, 'redis'>, key: string, max: number, presentField: string): Promise<number | null> {
  const n = Number(await deps.redis.eval(TAKE, { keys: [key], arguments: [presentField] }))
  if (n < 0) return null
  if (n > max) {
    await deps.redis.del(key)
    return null
  }
  return n
}
