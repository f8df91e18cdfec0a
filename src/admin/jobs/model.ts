import { t } from 'elysia'

export const JobState = t.Union(['failed', 'completed', 'active', 'waiting', 'delayed'].map((s) => t.Literal(s)))
export const Job = t.Object({
  id: t.String(),
  queue: t.String(),
  name: t.String(),
  state: t.String(),
  data: t.Unknown({ description: 'Job payload with secrets (tokens, codes, passwords) redacted' }),
  attempts_made: t.Integer(),
  failed_reason: t.Nullable(t.String()),
  created_at: t.Nullable(t.String({ format: 'date-time' })),
  finished_at: t.Nullable(t.String({ format: 'date-time' })),
})
export const JobList = t.Object({ items: t.Array(Job), next_cursor: t.Nullable(t.String()) })
export const JobsQuery = t.Object({
  queue: t.Optional(t.String()),
  state: t.Optional(JobState),
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: t.Optional(t.String()),
})
