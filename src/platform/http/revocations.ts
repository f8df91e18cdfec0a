import { isCluster, type Keyspace, type Redis } from '../redis'
import { log } from '../log'

/**
 * Revoked sessions and per-user "valid after" stamps, kept in Redis (the record, with a TTL a
 * little longer than an access token lives) and mirrored in each API process so that checking
 * a token needs no round trip.
 *
 * Every revocation is written to Redis and published on one channel; each process applies
 * what it publishes at once and what others publish as it arrives. A process trusts its mirror
 * only while it is in sync: subscribed, and loaded from a scan of the Redis record that began
 * after the subscription. Before that, and whenever the subscriber connection is down, callers
 * read Redis instead (`revokedInMirror` answers `undefined`). A mirror can only be stricter than Redis:
 * entries leave it when their TTL ends.
 */
export type RevocationDeps = { redis: Redis; redisSub?: Redis; keys: Keyspace }

type Mirror = {
  synced: boolean
  sids: Map<string, number> // sid → expiry (ms)
  users: Map<string, { after: number; until: number }> // userId → tokens issued before `after` fail, until `until`
  epoch: number // bumped on every loss of the subscription, so a stale load never marks the mirror synced
}

/** How long after the subscriber reconnects before the mirror reloads (its SUBSCRIBE must have reached Redis). */
const RESYNC_DELAY_MS = 1000
const mirrors = new WeakMap<Redis, Mirror>()

export const revocationKeys = (keys: Keyspace) => ({
  session: (sid: string) => keys('auth', 'revoked-sid', sid),
  userValidAfter: (userId: string) => keys('auth', 'valid-after', userId),
  channel: keys('auth', 'revocations'),
})

type Message = { s: string; until: number } | { u: string; after: number; until: number }

function apply(m: Mirror, msg: Message) {
  if ('s' in msg) m.sids.set(msg.s, Math.max(msg.until, m.sids.get(msg.s) ?? 0))
  else {
    const cur = m.users.get(msg.u)
    m.users.set(msg.u, { after: Math.max(msg.after, cur?.after ?? 0), until: Math.max(msg.until, cur?.until ?? 0) })
  }
}

/** Loads the Redis record into the mirror; marks it synced unless the subscription was lost meanwhile. */
async function load(deps: Required<RevocationDeps>, m: Mirror) {
  const epoch = m.epoch
  const rk = revocationKeys(deps.keys)
  const sidPrefix = rk.session('')
  const userPrefix = rk.userValidAfter('')
  try {
    // One scan batch at a time, its reads in flight together (node-redis pipelines them).
    for await (const keys of deps.redis.scanIterator({ MATCH: `${sidPrefix}*`, COUNT: 500 })) {
      const now = Date.now()
      const ttls = await Promise.all(keys.map((key) => deps.redis.pTTL(key)))
      keys.forEach((key, i) => ttls[i]! > 0 && apply(m, { s: key.slice(sidPrefix.length), until: now + ttls[i]! }))
    }
    for await (const keys of deps.redis.scanIterator({ MATCH: `${userPrefix}*`, COUNT: 500 })) {
      const now = Date.now()
      const rows = await Promise.all(keys.map((key) => Promise.all([deps.redis.get(key), deps.redis.pTTL(key)])))
      keys.forEach((key, i) => {
        const [after, ttl] = rows[i]!
        if (after && ttl > 0) apply(m, { u: key.slice(userPrefix.length), after: Number(after), until: now + ttl })
      })
    }
    if (m.epoch === epoch && deps.redisSub.isReady) m.synced = true
  } catch (err) {
    log.warn('revocation mirror load failed; tokens are checked against Redis', { error: String((err as Error).message) })
  }
}

function mirrorOf(deps: RevocationDeps): Mirror | undefined {
  const sub = deps.redisSub
  if (!sub) return undefined
  let m = mirrors.get(deps.redis)
  if (m) return m
  const mirror: Mirror = { synced: false, sids: new Map(), users: new Map(), epoch: 0 }
  mirrors.set(deps.redis, mirror)
  const full = { ...deps, redisSub: sub }
  const lost = () => {
    mirror.synced = false
    mirror.epoch++
  }
  // Entries whose TTL has ended are dropped once a minute (a lookup drops them too).
  setInterval(() => {
    const now = Date.now()
    for (const [sid, until] of mirror.sids) if (until <= now) mirror.sids.delete(sid)
    for (const [userId, u] of mirror.users) if (u.until <= now) mirror.users.delete(userId)
  }, 60_000).unref()
  sub.on('error', lost)
  sub.on('end', lost)
  sub.on('ready', () => {
    const epoch = mirror.epoch
    setTimeout(() => void (mirror.epoch === epoch && !mirror.synced && load(full, mirror)), RESYNC_DELAY_MS).unref()
  })
  sub
    .subscribe(revocationKeys(deps.keys).channel, (raw) => {
      try {
        apply(mirror, JSON.parse(raw) as Message)
      } catch {
        log.warn('revocation mirror: bad message')
      }
    })
    .then(() => load(full, mirror))
    .catch((err) => log.warn('revocation mirror: subscribe failed', { error: String((err as Error).message) }))
  return mirror
}

/** Starts the mirror of this Redis connection (idempotent); until it is in sync, checks go to Redis. */
export function startRevocationMirror(deps: RevocationDeps) {
  mirrorOf(deps)
}

/** Whether the mirror of this connection is in sync (for tests and diagnostics). */
export const revocationMirrorSynced = (deps: RevocationDeps) => mirrors.get(deps.redis)?.synced === true

/**
 * Whether a token of session `sid`, user `userId`, issued at `issuedAt` (ms) is revoked,
 * from this process's mirror; `undefined` while the mirror is not in sync.
 */
export function revokedInMirror(deps: RevocationDeps, sid: string, userId: string, issuedAt: number): boolean | undefined {
  const m = mirrors.get(deps.redis)
  if (!m?.synced) return undefined
  const now = Date.now()
  const s = m.sids.get(sid)
  if (s !== undefined) {
    if (s > now) return true
    m.sids.delete(sid)
  }
  const u = m.users.get(userId)
  if (u !== undefined) {
    if (u.until > now) return issuedAt < u.after
    m.users.delete(userId)
  }
  return false
}

/** Whether the token is revoked: from the mirror when it is in sync, else from Redis. */
export async function isRevoked(deps: RevocationDeps, sid: string, userId: string, issuedAt: number): Promise<boolean> {
  const mirrored = revokedInMirror(deps, sid, userId, issuedAt)
  if (mirrored !== undefined) return mirrored
  const rk = revocationKeys(deps.keys)
  // Two keys in different slots of a cluster: two GETs (pipelined by node-redis) rather than MGET.
  const [revoked, validAfter] = isCluster(deps.redis)
    ? await Promise.all([deps.redis.get(rk.session(sid)), deps.redis.get(rk.userValidAfter(userId))])
    : await deps.redis.mGet([rk.session(sid), rk.userValidAfter(userId)])
  return !!revoked || (!!validAfter && issuedAt < Number(validAfter))
}

/** Records a revocation in Redis, applies it to this process's mirror and publishes it to the others. */
async function publish(deps: RevocationDeps, key: string, value: string, ttlSeconds: number, msg: Message) {
  const m = mirrors.get(deps.redis)
  if (m) apply(m, msg)
  if (isCluster(deps.redis)) {
    // On a cluster the record and the (sharded) channel live in different slots: write, then publish.
    await deps.redis.set(key, value, { EX: ttlSeconds })
    await deps.redis.publish(revocationKeys(deps.keys).channel, JSON.stringify(msg))
  } else await deps.redis.multi().set(key, value, { EX: ttlSeconds }).publish(revocationKeys(deps.keys).channel, JSON.stringify(msg)).exec()
}

/** Makes every access token of one session fail from now on, for `ttlSeconds`. */
export function revokeSessionTokens(deps: RevocationDeps, sid: string, ttlSeconds: number) {
  return publish(deps, revocationKeys(deps.keys).session(sid), '1', ttlSeconds, { s: sid, until: Date.now() + ttlSeconds * 1000 })
}

/** Makes every access token of a user issued before now fail, for `ttlSeconds`. */
export function revokeUserTokens(deps: RevocationDeps, userId: string, ttlSeconds: number) {
  const now = Date.now()
  return publish(deps, revocationKeys(deps.keys).userValidAfter(userId), String(now), ttlSeconds, { u: userId, after: now, until: now + ttlSeconds * 1000 })
}
