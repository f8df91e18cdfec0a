import type { Tx } from '../../platform/db'
import type { AuthContext } from '../../platform/http/auth'
import { httpErrors } from '../../platform/http/errors'
import { courseErrors } from '../errors'
import { canManage } from './viewer'

export async function hasLiveEnrollment(sql: Tx, userId: string, courseId: string): Promise<boolean> {
  const [row] = await sql`select 1 from enrollments where user_id = ${userId} and course_id = ${courseId} and status in ('active', 'completed')`
  return Boolean(row)
}

export type LessonCourse = { course_id: string; instructor_id: string; course_status: string; price_cents: number; is_preview: boolean }

/**
 * Who may open a lesson: owner/admin, anyone for a preview lesson of a published course,
 * enrolled learners (active or completed). Others: hidden course → 404; paid → 402; else 403.
 */
export async function assertLessonReadable(sql: Tx, l: LessonCourse, viewer: AuthContext | null): Promise<'owner' | 'enrolled' | 'preview'> {
  if (canManage({ instructor_id: l.instructor_id }, viewer)) return 'owner'
  const enrolled = viewer ? await hasLiveEnrollment(sql, viewer.userId, l.course_id) : false
  if (enrolled) return 'enrolled'
  if (l.course_status !== 'published') throw httpErrors.notFound('Lesson not found')
  if (l.is_preview) return 'preview'
  if (!viewer) throw httpErrors.unauthorized()
  throw l.price_cents > 0 ? courseErrors.paymentRequired() : courseErrors.notEnrolled()
}

/**
 * Learner actions (progress, attempts) need a live enrollment: hidden course → 404,
 * paid → 402, else 403 `not_enrolled`.
 */
export async function assertEnrolled(sql: Tx, l: LessonCourse, auth: AuthContext): Promise<void> {
  if (await hasLiveEnrollment(sql, auth.userId, l.course_id)) return
  if (l.course_status !== 'published' && !canManage({ instructor_id: l.instructor_id }, auth)) throw httpErrors.notFound('Lesson not found')
  throw l.price_cents > 0 ? courseErrors.paymentRequired() : courseErrors.notEnrolled()
}
