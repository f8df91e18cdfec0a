import type { Deps } from '../../platform/deps'
import { decodeKeyset, keysetPage } from '../../platform/http/cursor'
import { findPublicUsers } from '../../accounts/public'
import type { AuditQuery } from './model'
import { listAuditEvents } from './queries'

/** GET /admin/audit: the audit log, newest first, with each actor's public shape. */
export async function listAudit(deps: Pick<Deps, 'sql'>, query: AuditQuery) {
  const limit = query.limit ?? 20
  const rows = await listAuditEvents(deps.sql, query.kind, limit + 1, decodeKeyset(query.cursor))
  const page = keysetPage(rows, limit, (r) => ({ at: r.created_at, id: r.id }))
  const actors = await findPublicUsers(deps.sql, page.items.map((r) => r.actor_id).filter((id): id is string => id !== null))
  return {
    items: page.items.map((r) => ({
      id: r.id, kind: r.kind, actor: r.actor_id ? actors.get(r.actor_id) ?? null : null, subject_type: r.subject_type,
      subject_id: r.subject_id, data: r.data, created_at: r.created_at.toISOString(),
    })),
    next_cursor: page.next_cursor,
  }
}
