import type { Logger } from '../log'
import { isCluster, type Keyspace, type Redis } from '../redis'

/**
 * Socket slots: how many WebSockets a user holds across all replicas (`WS_MAX_SOCKETS_PER_USER`).
 * Each user has a sorted set `ws-slots:<user>` with one member per socket, scored by an expiry
 * that the holding replica's heartbeat pushes forward. A slot is taken before the upgrade and
 * given back when the socket closes; a replica that dies stops refreshing its slots, which then
 * expire within `ttlMs` (like presence), so they are never counted for longer than that.
 */
export const SLOTS = { ttlMs: 10_000, heartbeatMs: 3_000 }

// KEYS[1] = the user's set; ARGV[1] = now, ARGV[2] = expiry, ARGV[3] = slot id, ARGV[4] = limit.
// {1, 0} when taken, {0, earliest expiry} when the user holds `limit` live slots already.
const TAKE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, tonumber(first[2])}
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
return {1, 0}`

// ARGV[1] = key prefix, ARGV[2] = expiry, then pairs of (user id, slot id). XX: a slot released
// while this ran is not brought back (a socket missed after a long Redis outage is undercounted
// until it closes, never a phantom).
const REFRESH = `
for i = 3, #ARGV, 2 do
  local k = ARGV[1] .. ':' .. ARGV[i]
  if redis.call('ZADD', k, 'XX', 'CH', ARGV[2], ARGV[i + 1]) > 0 then redis.call('PEXPIREAT', k, ARGV[2]) end
end
return 0`

export type SlotResult = { ok: true } | { ok: false; retryAfterSeconds: number }

export function createSocketSlots(deps: { redis: Redis; keys: Keyspace; log: Logger; limit: number }, opts = SLOTS) {
  const prefix = deps.keys('ws-slots')
  /** Slots held by sockets of this replica: slot id → user id. */
  const held = new Map<string, string>()
  let timer: ReturnType<typeof setInterval> | null = null

  async function refresh() {
    const entries = [...held.entries()]
    const expiry = String(Date.now() + opts.ttlMs)
    if (isCluster(deps.redis)) {
      // On a cluster the users' sets live in different slots: one pipelined ZADD + PEXPIREAT per
      // slot (node-redis routes each to its shard) instead of a script over undeclared keys.
      for (let i = 0; i < entries.length; i += 200) {
        await Promise.all(entries.slice(i, i + 200).flatMap(([slot, user]) => [
          deps.redis.zAdd(`${prefix}:${user}`, { score: Number(expiry), value: slot }),
          deps.redis.pExpireAt(`${prefix}:${user}`, Number(expiry)),
        ]))
      }
      return
    }
    // Small batches: each script blocks Redis while it runs.
    for (let i = 0; i < entries.length; i += 200) {
      const args = entries.slice(i, i + 200).flatMap(([slot, user]) => [user, slot])
      await deps.redis.eval(REFRESH, { keys: [], arguments: [prefix, expiry, ...args] })
    }
  }

  const startHeartbeat = () => {
    if (timer) return
    let busy = false
    timer = setInterval(() => {
      if (!deps.redis.isOpen) {
        clearInterval(timer!)
        timer = null
        return
      }
      if (busy || held.size === 0) return
      busy = true
      refresh().catch((err) => deps.redis.isOpen && deps.log.warn('ws slots heartbeat failed', { error: String(err) })).finally(() => (busy = false))
    }, opts.heartbeatMs)
    timer.unref?.()
  }

  return {
    enabled: deps.limit > 0,
    /** Takes a slot for a socket of `userId` about to be upgraded (always granted when the limit is 0). */
    async take(userId: string, slotId: string): Promise<SlotResult> {
      if (deps.limit <= 0) return { ok: true }
      const now = Date.now()
      const [ok, earliest] = (await deps.redis.eval(TAKE, { keys: [`${prefix}:${userId}`], arguments: [String(now), String(now + opts.ttlMs), slotId, String(deps.limit)] })) as [number, number]
      if (ok !== 1) return { ok: false, retryAfterSeconds: Math.min(Math.ceil(opts.ttlMs / 1000), Math.max(1, Math.ceil((earliest - now) / 1000))) }
      return { ok: true }
    },
    /** The socket of a taken slot is open: this replica keeps its slot alive. */
    hold(userId: string, slotId: string) {
      if (deps.limit <= 0) return
      held.set(slotId, userId)
      startHeartbeat()
    },
    /** Gives a slot back (socket closed). While shutting down Redis may be gone: the slot then simply expires. */
    async release(userId: string, slotId: string) {
      if (deps.limit <= 0) return
      held.delete(slotId)
      if (!deps.redis.isOpen) return
      await deps.redis.zRem(`${prefix}:${userId}`, slotId).catch((err) => deps.redis.isOpen && deps.log.warn('ws slot release failed', { error: String(err) }))
    },
  }
}
export type SocketSlots = ReturnType<typeof createSocketSlots>
