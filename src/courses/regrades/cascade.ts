import type { Tx } from '../../platform/db'
import { writeEvent } from '../../platform/outbox'
import { reopenEnrollment, recomputeEnrollments } from '../enrollments/queries'
import { revokeForRegrade } from '../certificates/queries'
import { uncompleteLesson } from '../progress/queries'
import { completeAfterQuiz } from '../progress/service'
import type { AttemptRow } from '../attempts/queries'

type Learner = { userId: string; quizId: string; lessonId: string; courseId: string; enrollmentId: string | null }

/**
 * What a regrade changes for one learner, in the transaction that holds their enrollment
 * lock. A new pass: `quiz.passed` (XP is awarded once per quiz anyway) and the lesson
 * completes, and with it possibly the course (certificate job via `course.completed`).
 * A lost pass: the lesson is un-completed only if this quiz completed it; then the
 * enrollment re-opens and its certificate is revoked. XP is never taken back.
 */
export async function cascadeOutcome(tx: Tx, l: Learner, before: boolean, after: boolean, kept: AttemptRow | undefined): Promise<void> {
  if (!before && after && kept) {
    await writeEvent(tx, 'quiz.passed', {
      user_id: l.userId, quiz_id: l.quizId, lesson_id: l.lessonId, course_id: l.courseId, attempt_id: kept.id,
      score: kept.score, max_score: kept.max_score, percentage: kept.percentage,
    })
    if (l.enrollmentId) await completeAfterQuiz(tx, { userId: l.userId, lessonId: l.lessonId, courseId: l.courseId, enrollmentId: l.enrollmentId })
  }
  if (before && !after && l.enrollmentId) {
    if (!(await uncompleteLesson(tx, l.userId, l.lessonId, l.quizId))) return
    if (await reopenEnrollment(tx, l.enrollmentId)) await revokeForRegrade(tx, l.enrollmentId)
    await recomputeEnrollments(tx, { enrollmentId: l.enrollmentId })
  }
}
