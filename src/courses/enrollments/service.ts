import type { Deps } from '../../platform/deps'
import type { AuthContext } from '../../platform/http/auth'
import { httpErrors } from '../../platform/http/errors'
import { writeEvent } from '../../platform/outbox'
import { courseErrors } from '../errors'
import { decodeKeyset, keysetPage } from '../../platform/http/cursor'
import { iso } from '../shared/format'
import { findCourseById } from '../catalog/queries'
import { listCourseProgress } from '../progress/queries'
import { toProgress } from '../progress/service'
import type { Enrollment } from './model'
import * as q from './queries'

export const toEnrollment = (r: q.EnrollmentRow): Enrollment => ({
  id: r.id, course_id: r.course_id, course_title: r.course_title, course_slug: r.course_slug, user_id: r.user_id, status: r.status,
  progress_percentage: r.progress_percentage, completed_lessons_count: r.completed_lessons_count, total_lessons: r.total_lessons,
  enrolled_at: iso(r.enrolled_at)!, completed_at: iso(r.completed_at), certificate_issued_at: iso(r.certificate_issued_at),
})

/**
 * Self-enrollment in a published free course. Paid courses are enrolled by their purchase
 * (commerce → `grantCourseAccess`), so here they answer 402 until then.
 */
export async function enroll(deps: Pick<Deps, 'sql'>, courseId: string, auth: AuthContext): Promise<Enrollment> {
  const course = await findCourseById(deps.sql, courseId)
  if (!course || course.status !== 'published') throw httpErrors.notFound('Course not found')
  const existing = await q.findEnrollment(deps.sql, auth.userId, course.id)
  if (existing && existing.status !== 'revoked') throw courseErrors.alreadyEnrolled()
  if (course.price_cents > 0) throw courseErrors.paymentRequired()
  const id = await deps.sql.begin(async (tx) => {
    const row = (await q.insertEnrollment(tx, auth.userId, course.id)) ?? (await q.reactivateEnrollment(tx, auth.userId, course.id))
    if (!row) throw courseErrors.alreadyEnrolled() // a concurrent request won
    await writeEvent(tx, 'course.enrolled', { user_id: auth.userId, course_id: course.id, enrollment_id: row.id })
    return row.id
  })
  return toEnrollment((await q.findEnrollmentById(deps.sql, id))!)
}

export async function listMyEnrollments(deps: Pick<Deps, 'sql'>, auth: AuthContext, query: { limit?: number; cursor?: string }) {
  const limit = query.limit ?? 20
  const rows = await q.listUserEnrollments(deps.sql, auth.userId, limit + 1, decodeKeyset(query.cursor))
  return keysetPage(rows.map(toEnrollment), limit, (e) => ({ at: e.enrolled_at, id: e.id }))
}

/** The learner's own enrollment (or any, for an admin) with per-lesson progress; others → 404. */
export async function getEnrollment(deps: Pick<Deps, 'sql'>, id: string, auth: AuthContext) {
  const row = await q.findEnrollmentById(deps.sql, id)
  if (!row || (row.user_id !== auth.userId && auth.role !== 'admin')) throw httpErrors.notFound('Enrollment not found')
  const lessons = await listCourseProgress(deps.sql, row.user_id, row.course_id)
  return { ...toEnrollment(row), lessons: lessons.map(toProgress) }
}
