import { t } from 'elysia'

export const LeaderboardQuery = t.Object({
  period: t.Optional(t.Union([t.Literal('week'), t.Literal('all')], { default: 'week', description: '`week` = the current ISO week (UTC); `all` = all time' })),
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: t.Optional(t.String()),
})
export const LeaderboardEntry = t.Object({ rank: t.Integer(), user_id: t.String({ format: 'uuid' }), display_name: t.String(), xp: t.Integer() })
export const Leaderboard = t.Object({ items: t.Array(LeaderboardEntry), next_cursor: t.Nullable(t.String()) }, { title: 'Leaderboard' })
