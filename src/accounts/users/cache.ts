import type { Sql } from '../../platform/db'
import { log } from '../../platform/log'
import type { User } from './model'

/**
 * A short-lived in-memory copy of users' profiles, as `GET /me` answers them. Entries are
 * dropped when the row changes: at once for changes made by this process, and on the
 * `users_changed` notice (sql/0052) for changes made anywhere else. A lost notice is bounded by
 * the entry's lifetime. Ids are UUIDs, so one map serves every connection of the process.
 */
const TTL_MS = 2000
const MAX_ENTRIES = 10_000
const entries = new Map<string, Cached>()
/** A profile's JSON text (serialised once per fill, not per request). */
export type Cached = { json: string; at: number }
/** Bumped by every drop: a read that started before it does not store what it read. */
let generation = 0
const listening = new WeakSet<Sql>()

/** Drops a user's cached profile (call after changing the row; other processes learn from the notice). */
export function forgetUser(id: string) {
  entries.delete(id)
  generation++
}

/** The cached profile of `id` if it is fresh. */
export function freshUser(id: string): Cached | undefined {
  const hit = entries.get(id)
  return hit && Date.now() - hit.at < TTL_MS ? hit : undefined
}

/** The cached profile of `id`, or `load()`'s answer (stored unless a change raced it). */
export async function cachedUser(id: string, load: () => Promise<User | null>): Promise<Cached | null> {
  const hit = freshUser(id)
  if (hit) return hit
  const gen = generation
  const user = await load()
  if (!user) return null
  const entry = { json: JSON.stringify(user), at: Date.now() }
  if (gen === generation) {
    if (entries.size >= MAX_ENTRIES) entries.clear()
    entries.set(id, entry)
  }
  return entry
}

/** Subscribes this pool to the `users_changed` notices (idempotent); every (re)connect starts from empty. */
export function listenForUserChanges(sql: Sql) {
  if (listening.has(sql)) return
  listening.add(sql)
  sql
    .listen('users_changed', (id) => forgetUser(id), () => {
      entries.clear()
      generation++
    })
    .catch((err) => log.warn('users_changed listener failed; profiles are cached for at most 2 s', { error: String((err as Error).message) }))
}
