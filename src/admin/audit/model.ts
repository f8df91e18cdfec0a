import { t } from 'elysia'

const PublicUser = t.Object({ id: t.String({ format: 'uuid' }), display_name: t.String(), avatar_url: t.Nullable(t.String()) })

export const AuditQuery = t.Object({
  kind: t.Optional(t.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9_.]+$', description: 'e.g. ai_transcript_read' })),
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: t.Optional(t.String()),
})
export type AuditQuery = typeof AuditQuery.static

export const AuditEvent = t.Object({
  id: t.String({ format: 'uuid' }),
  kind: t.String(),
  actor: t.Nullable(PublicUser, { description: 'Who acted (null once that account is deleted)' }),
  subject_type: t.String({ description: 'e.g. course, ai_conversation' }),
  subject_id: t.Nullable(t.String({ format: 'uuid' })),
  data: t.Record(t.String(), t.Unknown()),
  created_at: t.String({ format: 'date-time' }),
}, { title: 'AuditEvent' })
export const AuditList = t.Object({ items: t.Array(AuditEvent), next_cursor: t.Nullable(t.String()) }, {
  title: 'AuditEventList',
  examples: [{ items: [{ id: '6b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e', kind: 'ai_transcript_read', actor: { id: '1c8d7b63-4a2f-4c9b-8d3e-6f7a8b9c0d1e', display_name: 'Ivan Instructor', avatar_url: null }, subject_type: 'ai_conversation', subject_id: '07c70ab1-3912-458a-9027-b12334455667', data: { course_id: '2d9e8c74-5b3a-4dac-9e4f-7a8b9c0d1e2f', learner_id: '4f0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d' }, created_at: '2026-01-16T08:00:00.000Z' }], next_cursor: null }],
})
