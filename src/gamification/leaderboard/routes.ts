import { Elysia } from 'elysia'
import type { Deps } from '../../platform/deps'
import { authGuard } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import { Leaderboard, LeaderboardQuery } from './model'
import { leaderboardPage } from './service'

export function leaderboardRoutes(deps: Deps) {
  return new Elysia({ prefix: '/leaderboard', tags: ['ai'] })
    .use(authGuard(deps))
    .get('', ({ query }) => leaderboardPage(deps, query), {
      auth: true,
      query: LeaderboardQuery,
      detail: { summary: 'XP leaderboard for the current ISO week (UTC) or all time, highest first' },
      response: { 200: Leaderboard, ...errorResponses(401, 422) },
    })
}
