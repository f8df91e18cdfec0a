import type { Deps } from '../../platform/deps'
import type { Tx } from '../../platform/db'
import type { AuthContext } from '../../platform/http/auth'
import { httpErrors } from '../../platform/http/errors'
import { writeEvent } from '../../platform/outbox'
import { courseErrors } from '../errors'
import { iso } from '../shared/format'
import { assertEnrolled } from '../shared/access'
import { assertUnlocked } from '../shared/sequence'
import { canManage } from '../shared/viewer'
import { lockEnrollment } from '../enrollments/queries'
import { recomputeAndAnnounce } from '../enrollments/recompute'
import { findLessonWithCourse } from '../lessons/queries'
import { quizGate } from '../quizzes/queries'
import type { Progress } from './model'
import { findProgress, upsertProgress, type ProgressRow } from './queries'

export const toProgress = (r: ProgressRow): Progress => ({
  lesson_id: r.lesson_id, status: r.status, progress_percent: r.progress_percent, position_seconds: r.position_seconds, completed_at: iso(r.completed_at),
})

type Activity = { userId: string; lessonId: string; courseId: string; enrollmentId: string; percent: number; positionSeconds?: number; complete?: boolean }

/**
 * Applies learner activity inside a transaction that holds the enrollment's row lock (so
 * "did this call complete the lesson?" is answered once). A lesson with a quiz completes
 * only once the quiz is passed; until then it stays in progress, at up to 100 %.
 */
export async function recordActivity(tx: Tx, a: Activity): Promise<ProgressRow> {
  const before = await findProgress(tx, a.userId, a.lessonId)
  const gate = await quizGate(tx, a.userId, a.lessonId)
  const completes = (a.complete || a.percent >= 100) && gate.passed
  const row = await upsertProgress(tx, { userId: a.userId, lessonId: a.lessonId, courseId: a.courseId, status: completes ? 'completed' : 'in_progress', percent: a.percent, positionSeconds: a.positionSeconds, quizId: gate.quizId })
  if (row.status === 'completed' && before?.status !== 'completed') {
    await writeEvent(tx, 'lesson.completed', { user_id: a.userId, lesson_id: a.lessonId, course_id: a.courseId, enrollment_id: a.enrollmentId })
    await recomputeAndAnnounce(tx, { enrollmentId: a.enrollmentId })
  }
  return row
}

/** Runs `fn` with the learner's live enrollment locked; no live enrollment → 404/402/403. */
async function withLockedEnrollment<T>(deps: Pick<Deps, 'sql'>, lessonId: string, auth: AuthContext, fn: (tx: Tx, l: { id: string; course_id: string }, enrollmentId: string) => Promise<T>) {
  const l = await findLessonWithCourse(deps.sql, lessonId)
  if (!l) throw httpErrors.notFound('Lesson not found')
  return deps.sql.begin(async (tx) => {
    const enr = await lockEnrollment(tx, auth.userId, l.course_id)
    if (!enr || enr.status === 'revoked') {
      await assertEnrolled(tx, l, auth)
      throw courseErrors.notEnrolled()
    }
    if (!canManage(l, auth)) await assertUnlocked(tx, auth.userId, l.id)
    return fn(tx, l, enr.id)
  }) as Promise<T>
}

export async function putProgress(deps: Pick<Deps, 'sql'>, lessonId: string, auth: AuthContext, body: { progress_percent: number; position_seconds?: number }): Promise<Progress> {
  const row = await withLockedEnrollment(deps, lessonId, auth, (tx, l, enrollmentId) =>
    recordActivity(tx, { userId: auth.userId, lessonId: l.id, courseId: l.course_id, enrollmentId, percent: body.progress_percent, positionSeconds: body.position_seconds }))
  return toProgress(row)
}

export async function completeLesson(deps: Pick<Deps, 'sql'>, lessonId: string, auth: AuthContext): Promise<Progress> {
  const row = await withLockedEnrollment(deps, lessonId, auth, async (tx, l, enrollmentId) => {
    if (!(await quizGate(tx, auth.userId, l.id)).passed) throw courseErrors.quizRequired()
    return recordActivity(tx, { userId: auth.userId, lessonId: l.id, courseId: l.course_id, enrollmentId, percent: 100, complete: true })
  })
  return toProgress(row)
}

/** Completes a lesson after its quiz was passed (caller holds the enrollment lock). */
export async function completeAfterQuiz(tx: Tx, a: { userId: string; lessonId: string; courseId: string; enrollmentId: string }): Promise<void> {
  await recordActivity(tx, { ...a, percent: 100, complete: true })
}
