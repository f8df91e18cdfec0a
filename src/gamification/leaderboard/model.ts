import { t } from 'elysia'

export const LeaderboardQuery = t.Object({
  period: t.Optional(t.Union([t.Literal('week'), t.Literal('all')], { default: 'week', description: '`week` = the current ISO week (UTC); `all` = all time' })),
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: t.Optional(t.String()),
})
export const LeaderboardEntry = t.Object({ rank: t.Integer(), user_id: t.String({ format: 'uuid' }), display_name: t.String(), xp: t.Integer() }, { examples: [{ rank: 1, user_id: '0b7c6a52-3f1e-4b8a-9c2d-5e6f7a8b9c0d', display_name: 'Zoë Student', xp: 340 }] })
export const Leaderboard = t.Object({ items: t.Array(LeaderboardEntry), next_cursor: t.Nullable(t.String()) }, { title: 'Leaderboard' })
