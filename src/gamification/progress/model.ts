import { t } from 'elysia'

const AchievementView = t.Object(
  { key: t.String(), title: t.String(), description: t.String(), unlocked_at: t.Date() },
  { title: 'Achievement', examples: [{ key: 'first_course', title: 'Graduate', description: 'Completed a first course', unlocked_at: '2026-01-15T10:20:00.000Z' }] },
)
export const Progress = t.Object(
  {
    xp: t.Integer({ description: 'Total XP' }),
    level: t.Integer({ description: 'Level n needs 100·n·(n+1)/2 XP in total (0 XP = level 0)' }),
    next_level_xp: t.Integer({ description: 'Total XP needed for the next level' }),
    streak_days: t.Integer({ description: 'Consecutive UTC days with learning activity, ending today or yesterday' }),
    xp_today: t.Integer({ description: 'XP credited today (at most 500 per UTC day)' }),
    achievements: t.Array(AchievementView),
  },
  { title: 'Progress', examples: [{ xp: 340, level: 2, next_level_xp: 600, streak_days: 3, xp_today: 130, achievements: [{ key: 'first_course', title: 'Graduate', description: 'Completed a first course', unlocked_at: '2026-01-15T10:20:00.000Z' }] }] },
)
