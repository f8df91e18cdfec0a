import type { Tx } from '../../platform/db'

/** Today's date in UTC as the SQL `day` column stores it. */
export const utcDay = (d = new Date()) => d.toISOString().slice(0, 10)

/** Serialises XP writes of one user (the daily cap reads then writes). */
export async function lockUserXp(sql: Tx, userId: string) {
  await sql`select pg_advisory_xact_lock(hashtextextended(${'xp:' + userId}, 0))`
}

export async function xpEventExists(sql: Tx, userId: string, source: string, sourceId: string) {
  const [row] = await sql`select 1 from xp_events where user_id = ${userId} and source = ${source} and source_id = ${sourceId}`
  return !!row
}

export async function xpOnDay(sql: Tx, userId: string, day: string): Promise<number> {
  const [row] = await sql<{ xp: number }[]>`select coalesce(sum(xp), 0)::int as xp from xp_events where user_id = ${userId} and day = ${day}`
  return row!.xp
}

export async function insertXpEvent(sql: Tx, e: { userId: string; source: string; sourceId: string; requested: number; xp: number; day: string }) {
  const rows = await sql`
    insert into xp_events (user_id, source, source_id, requested_xp, xp, day)
    values (${e.userId}, ${e.source}, ${e.sourceId}, ${e.requested}, ${e.xp}, ${e.day})
    on conflict on constraint xp_events_once do nothing returning id`
  return rows.length > 0
}

export async function totalXp(sql: Tx, userId: string, sinceDay?: string): Promise<number> {
  const [row] = sinceDay
    ? await sql<{ xp: number }[]>`select coalesce(sum(xp), 0)::int as xp from xp_events where user_id = ${userId} and day >= ${sinceDay}`
    : await sql<{ xp: number }[]>`select coalesce(sum(xp), 0)::int as xp from xp_events where user_id = ${userId}`
  return row!.xp
}

/** Distinct days with any learning activity (XP events, capped or not), newest first. */
export async function activeDays(sql: Tx, userId: string, limit = 400): Promise<string[]> {
  const rows = await sql<{ day: string }[]>`
    select distinct to_char(day, 'YYYY-MM-DD') as day from xp_events where user_id = ${userId} order by day desc limit ${limit}`
  return rows.map((r) => r.day)
}

/** Inserts the achievements not yet unlocked; returns the newly unlocked ones. */
export async function unlockAchievements(sql: Tx, userId: string, keys: string[]) {
  if (keys.length === 0) return []
  return sql<{ key: string; unlocked_at: Date }[]>`
    insert into user_achievements (user_id, key)
    select ${userId}, k from unnest(${keys}::text[]) as k
    on conflict do nothing returning key, unlocked_at`
}

export async function findAchievements(sql: Tx, userId: string) {
  return sql<{ key: string; unlocked_at: Date }[]>`
    select key, unlocked_at from user_achievements where user_id = ${userId} order by unlocked_at, key`
}

/** XP per user since `sinceDay` (or all time), for rebuilding leaderboards. */
export async function xpTotalsByUser(sql: Tx, sinceDay?: string) {
  return sinceDay
    ? sql<{ user_id: string; xp: number }[]>`
        select user_id, sum(xp)::int as xp from xp_events where day >= ${sinceDay} and xp > 0 group by user_id`
    : sql<{ user_id: string; xp: number }[]>`
        select user_id, sum(xp)::int as xp from xp_events where xp > 0 group by user_id`
}
