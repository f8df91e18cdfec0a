import type { Deps } from '../../platform/deps'
import type { Conn } from '../../platform/ws/hub'
import { findContactIds } from '../conversations/queries'

/**
 * Presence across replicas. Each user has a sorted set `presence:u:<id>` of the replicas
 * holding one of their sockets, scored by an expiry that the replica's heartbeat pushes
 * forward; `presence:online` holds every online user scored by their latest expiry. A user is
 * online while any entry is unexpired, so a replica that dies takes its users offline within
 * the TTL: every replica sweeps expired users, and the sweep script claims each one exactly once.
 */
export const PRESENCE = { ttlMs: 10_000, heartbeatMs: 3_000, sweepMs: 1_000 }

// ARGV[1] = key prefix, ARGV[2] = replica, ARGV[3] = now, ARGV[4] = expiry, ARGV[5..] = user ids.
const TOUCH = `
local first = 0
for i = 5, #ARGV do
  local uk = ARGV[1] .. ':u:' .. ARGV[i]
  redis.call('ZREMRANGEBYSCORE', uk, '-inf', ARGV[3])
  if redis.call('ZCARD', uk) == 0 then first = first + 1 end
  redis.call('ZADD', uk, ARGV[4], ARGV[2])
  redis.call('PEXPIREAT', uk, ARGV[4])
  redis.call('ZADD', ARGV[1] .. ':online', 'GT', ARGV[4], ARGV[i])
end
return first`

// ARGV[1] = key prefix, ARGV[2] = replica, ARGV[3] = now, ARGV[4] = user id. 1 when the user went offline.
const LEAVE = `
local uk = ARGV[1] .. ':u:' .. ARGV[4]
redis.call('ZREM', uk, ARGV[2])
redis.call('ZREMRANGEBYSCORE', uk, '-inf', ARGV[3])
if redis.call('ZCARD', uk) > 0 then return 0 end
redis.call('DEL', uk)
return redis.call('ZREM', ARGV[1] .. ':online', ARGV[4])`

// ARGV[1] = key prefix, ARGV[2] = now. The users whose every entry expired (claimed once across replicas).
const SWEEP = `
local ok = ARGV[1] .. ':online'
local gone = {}
for _, uid in ipairs(redis.call('ZRANGEBYSCORE', ok, '-inf', ARGV[2], 'LIMIT', 0, 500)) do
  local uk = ARGV[1] .. ':u:' .. uid
  redis.call('ZREMRANGEBYSCORE', uk, '-inf', ARGV[2])
  local top = redis.call('ZRANGE', uk, -1, -1, 'WITHSCORES')
  if #top == 0 then
    redis.call('ZREM', ok, uid)
    table.insert(gone, uid)
  else
    redis.call('ZADD', ok, top[2], uid)
  end
end
return gone`

type PresenceDeps = Pick<Deps, 'redis' | 'keys' | 'sql' | 'hub' | 'log'>

/** Which of `userIds` are online now, on any replica. */
export async function onlineAmong(deps: Pick<Deps, 'redis' | 'keys'>, userIds: string[]): Promise<string[]> {
  if (userIds.length === 0) return []
  const scores = await deps.redis.zmScore(`${deps.keys('presence')}:online`, userIds)
  const now = Date.now()
  return userIds.filter((_, i) => (scores[i] ?? 0) > now)
}

/**
 * When users start sharing a conversation (`newcomers` joined `members`), tells each side who
 * of the other is online, so presence does not wait for the next `hello`.
 */
export async function shareOnline(deps: Pick<Deps, 'redis' | 'keys' | 'hub'>, members: string[], newcomers: string[]) {
  const fresh = new Set(newcomers)
  for (const userId of await onlineAmong(deps, members)) {
    const audience = (fresh.has(userId) ? members : newcomers).filter((id) => id !== userId)
    await deps.hub.publish(audience, 'presence', { user_id: userId, status: 'online' })
  }
}

export function createPresence(deps: PresenceDeps, opts = PRESENCE) {
  const replica = crypto.randomUUID()
  const prefix = deps.keys('presence')
  const run = (script: string, args: (string | number)[]) => deps.redis.eval(script, { keys: [], arguments: [prefix, ...args.map(String)] })
  const touch = (userIds: string[]) => {
    const now = Date.now()
    return run(TOUCH, [replica, now, now + opts.ttlMs, ...userIds]) as Promise<number>
  }
  const announce = async (userId: string, status: 'online' | 'offline', contacts?: string[]) => {
    const audience = contacts ?? (await findContactIds(deps.sql, userId))
    await deps.hub.publish(audience, 'presence', { user_id: userId, status })
  }

  /** The connect hook: marks the user online (announcing it on their first socket anywhere) and lists online contacts. */
  async function connected(conn: Conn) {
    const contacts = await findContactIds(deps.sql, conn.userId)
    if ((await touch([conn.userId])) > 0) await announce(conn.userId, 'online', contacts)
    return { online_user_ids: await onlineAmong(deps, contacts) }
  }

  /** The disconnect hook: on the user's last socket of this replica, drops the entry; offline when none is left anywhere. */
  async function disconnected(conn: Conn, remainingOnReplica: number) {
    // While shutting down the pools may already be closed: the entry then simply expires.
    if (remainingOnReplica > 0 || !deps.redis.isOpen) return
    try {
      const gone = await run(LEAVE, [replica, Date.now(), conn.userId])
      if (gone === 1) await announce(conn.userId, 'offline')
    } catch (err) {
      if (deps.redis.isOpen) throw err
    }
  }

  async function heartbeat() {
    const users = deps.hub.localUserIds()
    // Small batches: each script blocks Redis while it runs.
    for (let i = 0; i < users.length; i += 200) await touch(users.slice(i, i + 200))
  }

  async function sweep() {
    const gone = (await run(SWEEP, [Date.now()])) as string[]
    for (const userId of gone) await announce(userId, 'offline')
  }

  /** Runs the heartbeat and the sweeper until the Redis client is closed. */
  function start() {
    const every = (ms: number, task: () => Promise<void>) => {
      let busy = false
      const timer = setInterval(() => {
        if (!deps.redis.isOpen) return clearInterval(timer)
        if (busy) return
        busy = true
        task().catch((err) => deps.redis.isOpen && deps.log.warn('presence task failed', { error: String(err) })).finally(() => (busy = false))
      }, ms)
      timer.unref?.()
    }
    every(opts.heartbeatMs, heartbeat)
    every(opts.sweepMs, sweep)
  }

  return { connected, disconnected, start, replica }
}
