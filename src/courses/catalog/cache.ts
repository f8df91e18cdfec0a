import type { Deps } from '../../platform/deps'

type CacheDeps = Pick<Deps, 'redis' | 'redisSub' | 'keys' | 'log'>
const TTL_SECONDS = 300
/** How long a replica may serve a page from memory without asking Redis (bounds staleness if pub/sub drops). */
const LOCAL_TTL_MS = 2000

/**
 * The catalog cache is versioned: every course or lesson write bumps the version in Redis
 * (after its commit), so all cached pages become unreachable at once without scanning
 * keys. Each replica also keeps the hottest pages in memory for the current version; the
 * bump is published so every replica drops them at once. Redis errors degrade to a
 * database read.
 */
type Local = { version: string | null; live: boolean; entries: Map<string, { body: string; at: number }> }
const locals = new WeakMap<object, Local>()

const versionKey = (deps: CacheDeps) => deps.keys('courses', 'catalog', 'version')
const channel = (deps: CacheDeps) => deps.keys('courses', 'catalog', 'invalidated')

function localOf(deps: CacheDeps): Local {
  let local = locals.get(deps.redis)
  if (local) return local
  const state: Local = { version: null, live: false, entries: new Map() }
  locals.set(deps.redis, state)
  const drop = (version: string | null) => {
    state.version = version
    state.entries.clear()
  }
  deps.redisSub
    .subscribe(channel(deps), (message) => drop(message))
    .then(() => void (state.live = true))
    .catch(() => {})
  deps.redisSub.on('error', () => { state.live = false; drop(null) })
  deps.redisSub.on('ready', () => void (state.live = true))
  return state
}

const hashOf = (query: string) => new Bun.CryptoHasher('sha1').update(query).digest('hex')

export async function readCatalogCache(deps: CacheDeps, query: string): Promise<{ hit: string | null; key: string | null; version: string | null }> {
  const local = localOf(deps)
  const mem = local.live && local.version !== null ? local.entries.get(`${local.version}:${query}`) : undefined
  if (mem && Date.now() - mem.at < LOCAL_TTL_MS) return { hit: mem.body, key: null, version: local.version }
  try {
    const version = (await deps.redis.get(versionKey(deps))) ?? '0'
    if (local.version === null || Number(version) > Number(local.version)) local.version = version
    const key = deps.keys('courses', 'catalog', version, hashOf(query))
    const hit = await deps.redis.get(key)
    if (hit) remember(local, version, query, hit)
    return { hit, key, version }
  } catch (err) {
    deps.log.warn('catalog cache read failed', { error: String((err as Error).message) })
    return { hit: null, key: null, version: null }
  }
}

function remember(local: Local, version: string, query: string, body: string) {
  if (local.entries.size > 1000) local.entries.clear()
  local.entries.set(`${version}:${query}`, { body, at: Date.now() })
}

export async function writeCatalogCache(deps: CacheDeps, at: { key: string | null; version: string | null }, query: string, body: string): Promise<void> {
  if (!at.key || !at.version) return
  remember(localOf(deps), at.version, query, body)
  await deps.redis.set(at.key, body, { EX: TTL_SECONDS }).catch(() => {})
}

/** Call after the transaction of any course/lesson write has committed. */
export async function invalidateCatalog(deps: CacheDeps): Promise<void> {
  const local = localOf(deps)
  try {
    const version = String(await deps.redis.incr(versionKey(deps)))
    local.version = version
    local.entries.clear()
    await deps.redis.publish(channel(deps), version)
  } catch (err) {
    local.version = null
    local.entries.clear()
    deps.log.warn('catalog cache invalidation failed', { error: String((err as Error).message) })
  }
}
