import type { Deps } from '../../platform/deps'

type CacheDeps = Pick<Deps, 'redis' | 'keys' | 'log'>
const TTL_SECONDS = 300

/**
 * The catalog cache is versioned: every course or lesson write bumps the version (after
 * its commit), so all cached pages become unreachable at once without scanning keys.
 * Redis errors degrade to a database read.
 */
const versionKey = (deps: CacheDeps) => deps.keys('courses', 'catalog', 'version')

export async function readCatalogCache(deps: CacheDeps, query: string): Promise<{ hit: string | null; key: string | null }> {
  try {
    const version = (await deps.redis.get(versionKey(deps))) ?? '0'
    const key = deps.keys('courses', 'catalog', version, new Bun.CryptoHasher('sha1').update(query).digest('hex'))
    return { hit: await deps.redis.get(key), key }
  } catch (err) {
    deps.log.warn('catalog cache read failed', { error: String((err as Error).message) })
    return { hit: null, key: null }
  }
}

export async function writeCatalogCache(deps: CacheDeps, key: string | null, body: string): Promise<void> {
  if (!key) return
  await deps.redis.set(key, body, { EX: TTL_SECONDS }).catch(() => {})
}

/** Call after the transaction of any course/lesson write has committed. */
export async function invalidateCatalog(deps: CacheDeps): Promise<void> {
  await deps.redis.incr(versionKey(deps)).catch((err) => deps.log.warn('catalog cache invalidation failed', { error: String(err?.message ?? err) }))
}
