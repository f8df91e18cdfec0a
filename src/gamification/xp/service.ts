import type { Deps } from '../../platform/deps'
import type { Tx } from '../../platform/db'
import { levelFor, toAchievement, type Achievement, type AchievementKey } from '../achievements'
import { syncUserLeaderboard } from '../leaderboard/service'
import * as q from './queries'

/** At most this much XP is credited per user per UTC day; the excess is dropped. */
export const DAILY_XP_CAP = 500
export type XpSource = 'lesson' | 'quiz' | 'course' | 'scenario'

export type XpInput = {
  userId: string
  source: XpSource
  sourceId: string
  xp: number
  /** Achievements this activity earns (unlocked once; streak and level ones are checked too). */
  achievements?: AchievementKey[]
}
export type XpResult = { userId: string; xp_awarded: number; duplicate: boolean; achievements_unlocked: Achievement[] }

/** Consecutive UTC days with activity, ending today (or yesterday, if nothing yet today). */
export function streakFrom(days: string[], today = q.utcDay()): number {
  const set = new Set(days)
  const cursor = new Date(`${today}T00:00:00Z`)
  if (!set.has(today)) cursor.setUTCDate(cursor.getUTCDate() - 1)
  let n = 0
  while (set.has(cursor.toISOString().slice(0, 10))) {
    n++
    cursor.setUTCDate(cursor.getUTCDate() - 1)
  }
  return n
}

/**
 * Records one XP event inside the caller's transaction: once per (user, source, source id),
 * capped at DAILY_XP_CAP per UTC day, and unlocks achievements. Call `publishXpEffects`
 * after the commit.
 */
export async function recordXp(tx: Tx, input: XpInput): Promise<XpResult> {
  const day = q.utcDay()
  await q.lockUserXp(tx, input.userId)
  let awarded = 0
  const duplicate = await q.xpEventExists(tx, input.userId, input.source, input.sourceId)
  if (!duplicate) {
    const today = await q.xpOnDay(tx, input.userId, day)
    awarded = Math.max(0, Math.min(Math.max(0, Math.round(input.xp)), DAILY_XP_CAP - today))
    await q.insertXpEvent(tx, { userId: input.userId, source: input.source, sourceId: input.sourceId, requested: Math.max(0, Math.round(input.xp)), xp: awarded, day })
  }
  const keys: string[] = [...(input.achievements ?? [])]
  if (streakFrom(await q.activeDays(tx, input.userId, 8), day) >= 7) keys.push('streak_7')
  if (levelFor(await q.totalXp(tx, input.userId)) >= 5) keys.push('level_5')
  const unlocked = await q.unlockAchievements(tx, input.userId, keys)
  return { userId: input.userId, xp_awarded: awarded, duplicate, achievements_unlocked: unlocked.map((r) => toAchievement(r.key, r.unlocked_at)) }
}

type EffectDeps = Pick<Deps, 'sql' | 'redis' | 'keys' | 'hub' | 'log'>

/** After the commit: refresh the learner's leaderboard scores and push unlocked achievements. */
export async function publishXpEffects(deps: EffectDeps, result: XpResult) {
  if (result.xp_awarded > 0) {
    await syncUserLeaderboard(deps, result.userId).catch((err) => deps.log.warn('leaderboard sync failed', { error: String(err?.message ?? err) }))
  }
  for (const achievement of result.achievements_unlocked) {
    await deps.hub.publish([result.userId], 'notification', { kind: 'achievement_unlocked', achievement })
  }
}

/** Records XP in its own transaction and publishes the effects: what event handlers call. */
export async function awardXp(deps: EffectDeps, input: XpInput): Promise<XpResult> {
  const result = await deps.sql.begin((tx) => recordXp(tx, input))
  await publishXpEffects(deps, result)
  return result
}
