import type { Tx } from '../../platform/db'
import { writeEvent } from '../../platform/outbox'
import { recomputeEnrollments, type RecomputedRow } from './queries'
import { reinstateAfterRegrade } from '../certificates/queries'

/**
 * Recomputes enrollment summaries in the caller's transaction and records
 * `course.completed` for each enrollment that has just become completed (the worker's
 * reaction queues its certificate, unless a certificate a regrade had revoked is reinstated).
 */
export async function recomputeAndAnnounce(tx: Tx, where: { enrollmentId: string } | { courseId: string }): Promise<RecomputedRow[]> {
  const rows = await recomputeEnrollments(tx, where)
  for (const r of rows) {
    if (r.old_status === 'active' && r.status === 'completed') {
      // completed again after a regrade had re-opened it: its certificate is valid again
      await reinstateAfterRegrade(tx, r.id)
      await writeEvent(tx, 'course.completed', { user_id: r.user_id, course_id: r.course_id, enrollment_id: r.id })
    }
  }
  return rows
}
