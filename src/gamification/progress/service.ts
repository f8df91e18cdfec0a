import type { Deps } from '../../platform/deps'
import { levelFor, toAchievement, xpForLevel } from '../achievements'
import { streakFrom } from '../xp/service'
import * as q from '../xp/queries'

/** The learner's XP, level, streak and unlocked achievements. */
export async function getProgress(deps: Pick<Deps, 'sql'>, userId: string) {
  const [xp, today, days, achievements] = await Promise.all([
    q.totalXp(deps.sql, userId),
    q.xpOnDay(deps.sql, userId, q.utcDay()),
    q.activeDays(deps.sql, userId),
    q.findAchievements(deps.sql, userId),
  ])
  const level = levelFor(xp)
  return {
    xp,
    level,
    next_level_xp: xpForLevel(level + 1),
    streak_days: streakFrom(days),
    xp_today: today,
    achievements: achievements.map((a) => toAchievement(a.key, a.unlocked_at)),
  }
}
