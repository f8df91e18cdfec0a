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
export const AuditList = t.Object({ items: t.Array(AuditEvent), next_cursor: t.Nullable(t.String()) }, { title: 'AuditEventList' })
