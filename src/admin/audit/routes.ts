import { Elysia } from 'elysia'
import type { Deps } from '../../platform/deps'
import { authGuard } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import { AuditList, AuditQuery } from './model'
import { listAudit } from './service'

export function auditRoutes(deps: Pick<Deps, 'sql' | 'config' | 'redis' | 'keys'>) {
  return new Elysia({ prefix: '/admin/audit', tags: ['admin'] })
    .use(authGuard(deps))
    .get('', ({ query }) => listAudit(deps, query), {
      auth: 'admin',
      query: AuditQuery,
      detail: { summary: 'The audit log of sensitive reads and actions, newest first; `kind` filters (e.g. ai_transcript_read)' },
      response: { 200: AuditList, ...errorResponses(401, 403, 422) },
    })
}
