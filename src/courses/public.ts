/**
 * What other domains and workers may ask of courses: access grants (commerce's purchase
 * and refund flows), the sellable shape of a course, the learner snapshot for the AI
 * mentor, enrollment statistics for admin, and the job entry points of the worker.
 */
import type { Tx } from '../platform/db'
import type { Deps } from '../platform/deps'
import { writeEvent } from '../platform/outbox'
import { inTx } from './shared/tx'
import type { AuthContext } from '../platform/http/auth'
import { courseForWrite } from './catalog/service'
import { issueCertificate } from './certificates/service'
import { expireIfDue } from './attempts/grade'
import { insertEnrollment, reactivateEnrollment, revokeEnrollment, findEnrollment } from './enrollments/queries'

/**
 * Gives a user access to a course (paid or free): creates the enrollment or re-activates
 * a revoked one, writing `course.enrolled`. Idempotent: an existing live enrollment is
 * returned with `created: false`.
 */
export async function grantCourseAccess(sql: Tx, { userId, courseId, reinstateCertificate }: { userId: string; courseId: string; reinstateCertificate?: boolean }): Promise<{ enrollment_id: string; created: boolean }> {
  return inTx(sql, async (tx) => {
    const inserted = await insertEnrollment(tx, userId, courseId)
    const activated = inserted ?? (await reactivateEnrollment(tx, userId, courseId))
    // Access given back after a won dispute: the certificate the learner had earned is valid again.
    if (reinstateCertificate) await tx`update certificates set revoked_at = null where user_id = ${userId} and course_id = ${courseId} and revoked_at is not null`
    if (activated) {
      await writeEvent(tx, 'course.enrolled', { user_id: userId, course_id: courseId, enrollment_id: activated.id })
      return { enrollment_id: activated.id, created: Boolean(inserted) }
    }
    const existing = await findEnrollment(tx, userId, courseId)
    if (!existing) throw new Error(`enrollment of ${userId} in ${courseId} vanished`)
    return { enrollment_id: existing.id, created: false }
  })
}

/**
 * Takes access away (refund): the enrollment becomes `revoked` and the user's certificate
 * of that course is revoked, so verification answers `valid: false` and enrolling needs a
 * purchase again. Idempotent.
 */
export async function revokeCourseAccess(sql: Tx, { userId, courseId }: { userId: string; courseId: string }): Promise<void> {
  await inTx(sql, async (tx) => {
    await revokeEnrollment(tx, userId, courseId)
    await tx`update certificates set revoked_at = now() where user_id = ${userId} and course_id = ${courseId} and revoked_at is null`
  })
}

export type CourseForSale = { id: string; title: string; slug: string; price_cents: number; currency: string; status: 'draft' | 'published' | 'archived'; instructor_id: string }

/** The fields commerce needs to create or update the product that sells a course. */
export async function findCourseForSale(sql: Tx, courseId: string): Promise<CourseForSale | null> {
  const [row] = await sql<CourseForSale[]>`
    select id, title, slug::text as slug, price_cents, currency, status, instructor_id from courses where id = ${courseId}`
  return row ?? null
}

/** Titles and slugs of the given courses, keyed by id (unknown ids are absent). */
export async function findCourseTitles(sql: Tx, ids: string[]): Promise<Map<string, { id: string; title: string; slug: string; instructor_id: string }>> {
  if (ids.length === 0) return new Map()
  const rows = await sql<{ id: string; title: string; slug: string; instructor_id: string }[]>`
    select id, title, slug::text as slug, instructor_id from courses where id = any(${[...new Set(ids)]}::uuid[])`
  return new Map(rows.map((r) => [r.id, r]))
}

/** True when the user has live access (active or completed enrollment) to the course. */
export async function hasCourseAccess(sql: Tx, { userId, courseId }: { userId: string; courseId: string }): Promise<boolean> {
  const [row] = await sql`select 1 from enrollments where user_id = ${userId} and course_id = ${courseId} and status in ('active', 'completed')`
  return Boolean(row)
}

export type LearnerSnapshot = {
  enrollments: { course_id: string; course_title: string; status: string; progress_percentage: number; completed_lessons_count: number; total_lessons: number }[]
  recent_quiz_results: { quiz_id: string; quiz_title: string; lesson_title: string; course_id: string; percentage: number | null; passed: boolean | null; submitted_at: Date | null }[]
  in_progress_quiz_ids: string[]
}

/** A learner's progress and recent quiz results (never the answers), for the AI mentor. */
export async function getLearnerSnapshot(sql: Tx, userId: string, courseId?: string): Promise<LearnerSnapshot> {
  const byCourse = courseId ? sql`and l.course_id = ${courseId}` : sql``
  const enrollments = await sql<LearnerSnapshot['enrollments']>`
    select e.course_id, c.title as course_title, e.status, e.progress_percentage, e.completed_lessons_count, e.total_lessons
    from enrollments e join courses c on c.id = e.course_id
    where e.user_id = ${userId} ${courseId ? sql`and e.course_id = ${courseId}` : sql``}
    order by e.enrolled_at desc limit 50`
  const recent = await sql<LearnerSnapshot['recent_quiz_results']>`
    select a.quiz_id, q.title as quiz_title, l.title as lesson_title, l.course_id, a.percentage, a.passed, a.submitted_at
    from quiz_attempts a join quizzes q on q.id = a.quiz_id join lessons l on l.id = q.lesson_id
    where a.user_id = ${userId} and a.status <> 'in_progress' ${byCourse}
    order by a.submitted_at desc nulls last limit 10`
  const open = await sql<{ quiz_id: string }[]>`
    select a.quiz_id from quiz_attempts a join quizzes q on q.id = a.quiz_id join lessons l on l.id = q.lesson_id
    where a.user_id = ${userId} and a.status = 'in_progress' and (a.expires_at is null or a.expires_at > now()) ${byCourse}`
  return { enrollments, recent_quiz_results: recent, in_progress_quiz_ids: open.map((r) => r.quiz_id) }
}

type ByDay = { total: number; by_day: { date: string; count: number }[] }

/** Enrollments and completions, in total and per UTC day, for GET /admin/stats. */
export async function enrollmentStatsByDay(sql: Tx): Promise<{ enrollments: ByDay; completions: ByDay }> {
  const perDay = async (column: 'enrolled_at' | 'completed_at') => {
    const rows = await sql<{ date: string; count: number }[]>`
      select to_char(${sql(column)} at time zone 'UTC', 'YYYY-MM-DD') as date, count(*)::int as count
      from enrollments where ${sql(column)} is not null group by 1 order by 1`
    return { total: rows.reduce((n, r) => n + r.count, 0), by_day: rows }
  }
  return { enrollments: await perDay('enrolled_at'), completions: await perDay('completed_at') }
}

/**
 * Worker entry of the `certificates` queue: issues the certificate of a completed
 * enrollment (idempotent). Returns what happened, for the job's result.
 */
export async function issueCertificateForEnrollment(deps: Pick<Deps, 'sql' | 'storage' | 'hub' | 'config' | 'log'>, enrollmentId: string) {
  const res = await issueCertificate(deps, enrollmentId)
  if (res === null) return { skipped: 'unknown_enrollment' as const }
  if (res === 'not_completed') return { skipped: 'not_completed' as const }
  return { certificate_id: res.certificate.id, number: res.certificate.number, created: res.created }
}

/** True when the completed enrollment still needs a certificate (the worker's course.completed reaction). */
export async function needsCertificate(sql: Tx, enrollmentId: string): Promise<boolean> {
  const [row] = await sql`select 1 from enrollments where id = ${enrollmentId} and status = 'completed' and certificate_issued_at is null`
  return Boolean(row)
}

/** Maintenance entry: auto-submits a timed-out attempt with its saved answers (no-op otherwise). */
export async function expireQuizAttempt(deps: Pick<Deps, 'sql'>, attemptId: string): Promise<{ expired: boolean }> {
  return { expired: await expireIfDue(deps, attemptId) }
}

/** Worker reaction to `quiz.regraded`: tells the learner (notification {kind: "quiz_regraded"}). */
export async function notifyQuizRegraded(deps: Pick<Deps, 'hub'>, p: { user_id: string; quiz_id: string; attempt_id: string; passed: boolean }): Promise<void> {
  await deps.hub.publish([p.user_id], 'notification', { kind: 'quiz_regraded', quiz_id: p.quiz_id, attempt_id: p.attempt_id, passed: p.passed })
}

/** A course its owner (or an admin) acts on: unknown or hidden → 404, visible but not theirs → 403. */
export async function courseForOwner(sql: Tx, courseId: string, auth: AuthContext): Promise<{ id: string; title: string }> {
  const c = await courseForWrite({ sql: sql as Deps['sql'] }, courseId, auth)
  return { id: c.id, title: c.title }
}
