/**
 * What other domains and workers may ask of gamification: award XP once per source (with the
 * daily cap and achievements), inside a caller's transaction or on its own.
 */
export { ACHIEVEMENTS, Achievement, levelFor, xpForLevel, type AchievementKey } from './achievements'
export { awardXp, recordXp, publishXpEffects, DAILY_XP_CAP, type XpInput, type XpResult, type XpSource } from './xp/service'
export { rebuildLeaderboards } from './leaderboard/service'

/** XP per activity (SPEC §7). */
export const XP = { lesson: 10, quiz: 20, perfectQuizBonus: 10, course: 100, scenarioMax: 500 } as const
