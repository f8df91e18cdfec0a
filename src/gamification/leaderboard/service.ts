import type { Deps } from '../../platform/deps'
import { findPublicUsers } from '../../accounts/public'
import { decodeCursor, encodeCursor } from '../../platform/http/cursor'
import { isCluster } from '../../platform/redis'
import { totalXp, utcDay, xpTotalsByUser } from '../xp/queries'

type LbDeps = Pick<Deps, 'sql' | 'redis' | 'keys'>
export type Period = 'week' | 'all'

/** Monday (UTC) of the ISO week containing `d`, as YYYY-MM-DD. */
export function isoWeekStart(d = new Date()): string {
  const day = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()))
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7))
  return utcDay(day)
}

const WEEK_TTL_SECONDS = 15 * 24 * 3600
// On a Redis Cluster the leaderboard keys share the hash tag `{lb}` (one slot), so that the
// rebuild's MULTI (with RENAME) and the sync's MULTI stay valid.
const lbKeys = (deps: Pick<Deps, 'keys' | 'redis'>, week = isoWeekStart()) => {
  const lb = isCluster(deps.redis) ? '{lb}' : 'lb'
  return {
    all: deps.keys('gam', lb, 'all'),
    week: deps.keys('gam', lb, 'week', week),
    // Present while the sorted sets mirror Postgres; missing after a flush -> rebuild.
    ready: deps.keys('gam', lb, 'ready'),
  }
}

/** Rebuilds both sorted sets from the XP events in Postgres (idempotent, atomic per set). */
export async function rebuildLeaderboards(deps: LbDeps) {
  const week = isoWeekStart()
  const k = lbKeys(deps, week)
  const [all, weekly] = await Promise.all([xpTotalsByUser(deps.sql), xpTotalsByUser(deps.sql, week)])
  const tx = deps.redis.multi()
  for (const [key, rows] of [[k.all, all], [k.week, weekly]] as const) {
    const tmp = `${key}:rebuild`
    tx.del(tmp)
    if (rows.length) {
      tx.zAdd(tmp, rows.map((r) => ({ score: r.xp, value: r.user_id })))
      tx.rename(tmp, key)
    } else tx.del(key)
  }
  tx.expire(k.week, WEEK_TTL_SECONDS)
  tx.set(k.ready, '1')
  await tx.exec()
}

async function ensureReady(deps: LbDeps) {
  if (!(await deps.redis.exists(lbKeys(deps).ready))) await rebuildLeaderboards(deps)
}

/** Writes a learner's absolute totals (all time, this week) from Postgres into the sorted sets. */
export async function syncUserLeaderboard(deps: LbDeps, userId: string) {
  const k = lbKeys(deps)
  if (!(await deps.redis.exists(k.ready))) return rebuildLeaderboards(deps)
  const [all, week] = await Promise.all([totalXp(deps.sql, userId), totalXp(deps.sql, userId, isoWeekStart())])
  await deps.redis.multi()
    .zAdd(k.all, { score: all, value: userId })
    .zAdd(k.week, { score: week, value: userId })
    .expire(k.week, WEEK_TTL_SECONDS)
    .exec()
}

/** Ranks shift as XP arrives, so a leaderboard pages by offset rather than by keyset. */
type OffsetCursor = { o: number }
const isOffsetCursor = (v: any): v is OffsetCursor => Number.isInteger(v?.o) && v.o >= 0 && v.o <= 999_999_999

/** One page of a leaderboard, highest XP first; ranks are positions (1-based). */
export async function leaderboardPage(deps: LbDeps, q: { period?: Period; limit?: number; cursor?: string }) {
  const limit = q.limit ?? 20
  const offset = q.cursor ? decodeCursor(q.cursor, isOffsetCursor).o : 0
  await ensureReady(deps)
  const k = lbKeys(deps)
  const key = q.period === 'all' ? k.all : k.week
  const rows = await deps.redis.zRangeWithScores(key, offset, offset + limit, { REV: true })
  const page = rows.slice(0, limit).filter((r) => r.score > 0)
  const users = await findPublicUsers(deps.sql, page.map((r) => r.value))
  return {
    items: page.map((r, i) => ({ rank: offset + i + 1, user_id: r.value, display_name: users.get(r.value)?.display_name ?? 'Unknown', xp: r.score })),
    next_cursor: rows.length > limit && rows[limit]!.score > 0 ? encodeCursor({ o: offset + limit } satisfies OffsetCursor) : null,
  }
}
