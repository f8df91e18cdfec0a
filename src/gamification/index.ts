import { Elysia } from 'elysia'
import type { Deps } from '../platform/deps'
import { leaderboardRoutes } from './leaderboard/routes'
import { progressRoutes } from './progress/routes'

/** The gamification domain: XP progress and leaderboards (XP is awarded through public.ts). */
export function gamification(deps: Deps) {
  return new Elysia({ name: 'domain.gamification' }).use(progressRoutes(deps)).use(leaderboardRoutes(deps))
}
