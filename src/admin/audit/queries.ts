import type { Tx } from '../../platform/db'
import type { Keyset } from '../../platform/http/cursor'

export type AuditRow = { id: string; kind: string; actor_id: string | null; subject_type: string; subject_id: string | null; data: Record<string, unknown>; created_at: Date }

/** Audit events, newest first, optionally of one kind, after the `(created_at, id)` cursor. */
export async function listAuditEvents(sql: Tx, kind: string | undefined, limit: number, after: Keyset | null): Promise<AuditRow[]> {
  return sql<AuditRow[]>`
    select id, kind, actor_id, subject_type, subject_id, data, created_at from audit_events
    where true ${kind ? sql`and kind = ${kind}` : sql``}
      ${after ? sql`and (created_at, id) < (${after.at}::timestamptz, ${after.id}::uuid)` : sql``}
    order by created_at desc, id desc limit ${limit}`
}
