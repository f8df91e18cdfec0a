import type { Deps } from '../../platform/deps'
import type { Tx } from '../../platform/db'
import { writeEvent } from '../../platform/outbox'
import { lockEnrollment } from '../enrollments/queries'
import { completeAfterQuiz } from '../progress/service'
import { gradeAttempt, type Answer, type Grade } from '../quizzes/grading'
import { findAttempt, storeGrade, type AttemptRow } from './queries'

/** Seconds after `expires_at` during which a submit is still accepted (network latency). */
export const GRACE_SECONDS = 5

export const isDue = (a: Pick<AttemptRow, 'status' | 'expires_at'>, now = Date.now()) =>
  a.status === 'in_progress' && a.expires_at !== null && now > a.expires_at.getTime() + GRACE_SECONDS * 1000

/**
 * What a final grade causes: `quiz.passed`/`quiz.failed` once nothing awaits review, and
 * on a pass the lesson's completion (when the learner still has a live enrollment).
 */
export async function applyOutcome(tx: Tx, a: AttemptRow, g: Grade, enrollmentId: string | null, announce: boolean) {
  if (announce && !g.pending) {
    await writeEvent(tx, g.passed ? 'quiz.passed' : 'quiz.failed', {
      user_id: a.user_id, quiz_id: a.quiz_id, lesson_id: a.lesson_id, course_id: a.course_id, attempt_id: a.id,
      score: g.score, max_score: g.max_score, percentage: g.percentage,
    })
  }
  if (g.passed && enrollmentId) await completeAfterQuiz(tx, { userId: a.user_id, lessonId: a.lesson_id, courseId: a.course_id, enrollmentId })
}

/** Grades `answers` and closes the attempt as `submitted`/`needs_review`, or `expired` when time ran out. */
export async function finalize(tx: Tx, a: AttemptRow, answers: Answer[], expired: boolean, enrollmentId: string | null): Promise<Grade & { status: AttemptRow['status'] }> {
  const g = gradeAttempt(a.questions, answers, a.pass_percentage)
  const status = expired ? 'expired' : g.pending ? 'needs_review' : 'submitted'
  await storeGrade(tx, a.id, { status, answers, ...g })
  await applyOutcome(tx, a, g, enrollmentId, true)
  return { ...g, status }
}

/**
 * Locks the learner's enrollment, then the attempt (always in this order, like every
 * progress write, so the two cannot deadlock) and runs `fn` with both.
 */
export async function withLockedAttempt<T>(deps: Pick<Deps, 'sql'>, attemptId: string, fn: (tx: Tx, a: AttemptRow, enrollmentId: string | null) => Promise<T>): Promise<T | null> {
  const peek = await findAttempt(deps.sql, attemptId)
  if (!peek) return null
  return deps.sql.begin(async (tx) => {
    const enr = await lockEnrollment(tx, peek.user_id, peek.course_id)
    const a = (await findAttempt(tx, attemptId, true))!
    return fn(tx, a, enr && enr.status !== 'revoked' ? enr.id : null)
  }) as Promise<T>
}

/** Auto-submits an attempt whose time (plus grace) has run out, with its saved answers. */
export async function expireIfDue(deps: Pick<Deps, 'sql'>, attemptId: string): Promise<boolean> {
  const done = await withLockedAttempt(deps, attemptId, async (tx, a, enrollmentId) => {
    if (!isDue(a)) return false
    await finalize(tx, a, a.answers, true, enrollmentId)
    return true
  })
  return Boolean(done)
}
