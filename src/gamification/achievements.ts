import { t } from 'elysia'

/** Every achievement a learner can unlock (once each). */
export const ACHIEVEMENTS = {
  first_lesson: { title: 'First steps', description: 'Completed your first lesson' },
  first_quiz: { title: 'Quiz taker', description: 'Passed your first quiz' },
  perfect_quiz: { title: 'Perfectionist', description: 'Scored 100 % on a quiz' },
  first_course: { title: 'Graduate', description: 'Completed your first course' },
  first_scenario: { title: 'Role player', description: 'Resolved your first role-play scenario' },
  streak_7: { title: 'On fire', description: 'Learned on 7 days in a row' },
  level_5: { title: 'Rising star', description: 'Reached level 5' },
} as const
export type AchievementKey = keyof typeof ACHIEVEMENTS

export const Achievement = t.Object(
  { key: t.String(), title: t.String(), description: t.String(), unlocked_at: t.Date() },
  { title: 'Achievement' },
)
export type Achievement = typeof Achievement.static

export const toAchievement = (key: string, unlocked_at: Date): Achievement => {
  const a = ACHIEVEMENTS[key as AchievementKey] ?? { title: key, description: '' }
  return { key, title: a.title, description: a.description, unlocked_at }
}

/** Level n needs 100·n·(n+1)/2 XP in total (level 0 at 0 XP, 1 at 100, 2 at 300, 3 at 600, ...). */
export const xpForLevel = (n: number) => (100 * n * (n + 1)) / 2
export function levelFor(xp: number): number {
  let n = Math.floor((Math.sqrt(1 + (8 * xp) / 100) - 1) / 2)
  while (xpForLevel(n + 1) <= xp) n++
  while (n > 0 && xpForLevel(n) > xp) n--
  return n
}
