import type { Tx } from './db'

/** Kinds of audited actions (domains add theirs). */
export type AuditKind = 'ai_transcript_read' | (string & {})

/**
 * Records a sensitive action (e.g. an instructor reading a learner's AI transcript) in the
 * platform's audit log, on the caller's connection or transaction; admins list it through
 * GET /admin/audit.
 */
export async function recordAudit(sql: Tx, e: { kind: AuditKind; actorId: string | null; subjectType: string; subjectId: string | null; data?: Record<string, unknown> }): Promise<void> {
  await sql`insert into audit_events (kind, actor_id, subject_type, subject_id, data)
    values (${e.kind}, ${e.actorId}, ${e.subjectType}, ${e.subjectId}, ${sql.json((e.data ?? {}) as never)})`
}
