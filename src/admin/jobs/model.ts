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
}, { examples: [{ id: 'email:verify:0b7c6a52', queue: 'email', name: 'verify-email', state: 'failed', data: { to: 'student@lyceum.local', token: '[redacted]' }, attempts_made: 5, failed_reason: 'connect ECONNREFUSED 127.0.0.1:1025', created_at: '2026-01-15T09:30:00.000Z', finished_at: '2026-01-15T09:31:10.000Z' }] })
export const JobList = t.Object({ items: t.Array(Job), next_cursor: t.Nullable(t.String()) })
export const JobsQuery = t.Object({
  queue: t.Optional(t.String()),
  state: t.Optional(JobState),
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: t.Optional(t.String()),
})
