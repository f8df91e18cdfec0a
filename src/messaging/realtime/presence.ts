import type { Deps } from '../../platform/deps'
import type { Conn } from '../../platform/ws/hub'
import { isCluster } from '../../platform/redis'
import { findContactIds } from '../conversations/queries'

/**
 * Presence across replicas. Each user has a sorted set `presence:{pN}:u:<id>` of the replicas
 * holding one of their sockets, scored by an expiry that the replica's heartbeat pushes
 * forward; `presence:{pN}:online` holds every online user of shard N scored by their latest
 * expiry. A user is online while any entry is unexpired, so a replica that dies takes its users
 * offline within the TTL: every replica sweeps expired users, and the claim script takes each
 * one exactly once. Users are spread over shards by a hash of their id; a shard's keys share
 * the hash tag `{pN}`, so every script touches only its declared keys in one slot (what a Redis
 * Cluster requires). On a single Redis there is one shard; on a cluster PRESENCE_CLUSTER_SHARDS.
 */
export const PRESENCE = { ttlMs: 10_000, heartbeatMs: 3_000, sweepMs: 1_000 }
const PRESENCE_CLUSTER_SHARDS = 16

// KEYS[1] = shard's online set, KEYS[2..] = users' sets; ARGV[1] = replica, ARGV[2] = now,
// ARGV[3] = expiry, ARGV[4..] = the user ids of KEYS[2..]. How many users were offline before.
const TOUCH = `
local first = 0
for i = 2, #KEYS do
  local uk = KEYS[i]
  redis.call('ZREMRANGEBYSCORE', uk, '-inf', ARGV[2])
  if redis.call('ZCARD', uk) == 0 then first = first + 1 end
  redis.call('ZADD', uk, ARGV[3], ARGV[1])
  redis.call('PEXPIREAT', uk, ARGV[3])
  redis.call('ZADD', KEYS[1], 'GT', ARGV[3], ARGV[i + 2])
end
return first`

// KEYS[1] = shard's online set, KEYS[2] = the user's set; ARGV[1] = replica, ARGV[2] = now,
// ARGV[3] = user id. 1 when the user went offline.
const LEAVE = `
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[2])
if redis.call('ZCARD', KEYS[2]) > 0 then return 0 end
redis.call('DEL', KEYS[2])
return redis.call('ZREM', KEYS[1], ARGV[3])`

// KEYS[1] = shard's online set, KEYS[2] = the user's set; ARGV[1] = now, ARGV[2] = user id.
// 1 when every entry of the user expired and this call claimed them (exactly once across replicas).
const CLAIM = `
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
local top = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
if #top == 0 then return redis.call('ZREM', KEYS[1], ARGV[2]) end
redis.call('ZADD', KEYS[1], top[2], ARGV[2])
return 0`

type PresenceDeps = Pick<Deps, 'redis' | 'keys' | 'sql' | 'hub' | 'log'>

/** The presence keys of a deployment: one shard on a single Redis, several on a cluster. */
function presenceKeys(deps: Pick<Deps, 'redis' | 'keys'>) {
  const shards = isCluster(deps.redis) ? PRESENCE_CLUSTER_SHARDS : 1
  const prefix = deps.keys('presence')
  const shardOf = (userId: string) => (shards === 1 ? 0 : Number(Bun.hash.crc32(userId)) % shards)
  return {
    shards,
    shardOf,
    online: (shard: number) => `${prefix}:{p${shard}}:online`,
    user: (userId: string) => `${prefix}:{p${shardOf(userId)}}:u:${userId}`,
  }
}

/** `userIds` grouped by presence shard. */
function byShard(pk: ReturnType<typeof presenceKeys>, userIds: string[]): Map<number, string[]> {
  const out = new Map<number, string[]>()
  for (const id of userIds) {
    const s = pk.shardOf(id)
    const list = out.get(s)
    if (list) list.push(id)
    else out.set(s, [id])
  }
  return out
}

/** Which of `userIds` are online now, on any replica. */
export async function onlineAmong(deps: Pick<Deps, 'redis' | 'keys'>, userIds: string[]): Promise<string[]> {
  if (userIds.length === 0) return []
  const pk = presenceKeys(deps)
  const now = Date.now()
  const groups = [...byShard(pk, userIds)]
  const scores = await Promise.all(groups.map(([shard, ids]) => deps.redis.zmScore(pk.online(shard), ids)))
  const online = new Set<string>()
  groups.forEach(([, ids], g) => ids.forEach((id, i) => (scores[g]![i] ?? 0) > now && online.add(id)))
  return userIds.filter((id) => online.has(id))
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
  const pk = presenceKeys(deps)
  const touch = async (userIds: string[]) => {
    const now = Date.now()
    const firsts = await Promise.all(
      [...byShard(pk, userIds)].map(([shard, ids]) =>
        deps.redis.eval(TOUCH, { keys: [pk.online(shard), ...ids.map(pk.user)], arguments: [replica, String(now), String(now + opts.ttlMs), ...ids] }) as Promise<number>,
      ),
    )
    return firsts.reduce((a, b) => a + Number(b), 0)
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
      const gone = await deps.redis.eval(LEAVE, { keys: [pk.online(pk.shardOf(conn.userId)), pk.user(conn.userId)], arguments: [replica, String(Date.now()), conn.userId] })
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
    const now = Date.now()
    for (let shard = 0; shard < pk.shards; shard++) {
      const online = pk.online(shard)
      const expired = await deps.redis.zRangeByScore(online, '-inf', now, { LIMIT: { offset: 0, count: 500 } })
      for (const userId of expired) {
        const claimed = await deps.redis.eval(CLAIM, { keys: [online, pk.user(userId)], arguments: [String(now), userId] })
        if (claimed === 1) await announce(userId, 'offline')
      }
    }
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
