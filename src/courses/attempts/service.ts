import type { Deps } from '../../platform/deps'
import type { AuthContext } from '../../platform/http/auth'
import { httpErrors } from '../../platform/http/errors'
import { isUniqueViolation } from '../../platform/db'
import { courseErrors } from '../errors'
import { ATTEMPT_EXPIRE_TASK, attemptExpireJobId } from '../jobs'
import { iso } from '../shared/format'
import { canManage } from '../shared/viewer'
import { assertEnrolled } from '../shared/access'
import { assertUnlocked } from '../shared/sequence'
import { lockEnrollment } from '../enrollments/queries'
import { findQuizWithCourse, findQuestions } from '../quizzes/queries'
import { shuffled, type Answer } from '../quizzes/grading'
import { toQuestionView } from '../quizzes/service'
import { expireIfDue, finalize, GRACE_SECONDS, isDue, withLockedAttempt } from './grade'
import type { Attempt } from './model'
import * as q from './queries'
import { answersReleased, withCorrectAnswers } from './release'
import { findAccommodation } from '../accommodations/queries'

type D = Pick<Deps, 'sql' | 'queues' | 'log'>

export const toAttempt = (a: q.AttemptRow): Attempt => ({
  id: a.id, quiz_id: a.quiz_id, attempt_number: a.attempt_number, status: a.status,
  started_at: iso(a.started_at)!, expires_at: iso(a.expires_at), submitted_at: iso(a.submitted_at),
  score: a.score, max_score: a.max_score, percentage: a.percentage, passed: a.passed,
  questions: a.questions.map((qn) => toQuestionView(qn, false) as Attempt['questions'][number]),
  answers: a.answers, results: a.results,
})

/** The caller's attempt (or one of their course's, for the owner), after any due auto-submit. */
export async function visibleAttempt(deps: Pick<Deps, 'sql'>, id: string, auth: AuthContext, allowOwner = true): Promise<q.AttemptRow> {
  let a = await q.findAttempt(deps.sql, id)
  if (!a || (a.user_id !== auth.userId && !(allowOwner && canManage(a, auth)))) throw httpErrors.notFound('Attempt not found')
  if (isDue(a) && (await expireIfDue(deps, id))) a = (await q.findAttempt(deps.sql, id))!
  return a
}

/**
 * Starts an attempt, or returns the learner's open one. The enrollment row lock makes the
 * count-then-insert atomic per learner; unique constraints are the backstop.
 */
export async function startAttempt(deps: D, quizId: string, auth: AuthContext): Promise<{ attempt: Attempt; created: boolean }> {
  const quiz = await findQuizWithCourse(deps.sql, quizId)
  if (!quiz) throw httpErrors.notFound('Quiz not found')
  await assertEnrolled(deps.sql, quiz, auth)
  if (!canManage(quiz, auth)) await assertUnlocked(deps.sql, auth.userId, quiz.lesson_id)
  for (let tries = 0; ; tries++) {
    try {
      const { id, created, timeLimit } = await deps.sql.begin(async (tx) => {
        const enr = await lockEnrollment(tx, auth.userId, quiz.course_id)
        if (!enr || enr.status === 'revoked') throw courseErrors.notEnrolled()
        const open = await q.findOpenAttempt(tx, quiz.id, auth.userId)
        if (open && !isDue(open)) return { id: open.id, created: false, timeLimit: null }
        if (open) await finalize(tx, open, open.answers, true, enr.id)
        // read under the enrollment lock: a concurrent start sees the same count and extras
        const extra = await findAccommodation(tx, quiz.id, auth.userId)
        const used = await q.attemptsUsed(tx, quiz.id, auth.userId)
        if (quiz.max_attempts !== null && used >= quiz.max_attempts + extra.extra_attempts) throw courseErrors.maxAttempts()
        const timeLimit = quiz.time_limit_seconds ? quiz.time_limit_seconds + extra.extra_time_seconds : null
        const questions = (await findQuestions(tx, quiz.id)).map((qn) => (quiz.shuffle ? { ...qn, options: shuffled(qn.options) } : qn))
        const id = await q.insertAttempt(tx, {
          quizId: quiz.id, userId: auth.userId, number: used + 1, questions: quiz.shuffle ? shuffled(questions) : questions,
          passPercentage: quiz.pass_percentage, timeLimitSeconds: timeLimit,
        })
        return { id, created: true, timeLimit }
      })
      if (created && timeLimit) await scheduleExpiry(deps, id, timeLimit)
      return { attempt: toAttempt((await q.findAttempt(deps.sql, id))!), created }
    } catch (err) {
      if (!isUniqueViolation(err) || tries >= 3) throw err
    }
  }
}

/** A delayed maintenance job auto-submits the attempt when its time (plus grace) is up; reads do it too. */
async function scheduleExpiry(deps: D, attemptId: string, seconds: number) {
  await deps.queues.maintenance
    .add(ATTEMPT_EXPIRE_TASK, { attempt_id: attemptId }, { jobId: attemptExpireJobId(attemptId), delay: (seconds + GRACE_SECONDS + 1) * 1000 })
    .catch((err) => deps.log.warn('could not schedule attempt expiry', { attempt_id: attemptId, error: String(err?.message ?? err) }))
}

/** One attempt; its results carry the correct answers when the quiz releases them (show_correct_answers). */
export async function getAttempt(deps: D, id: string, auth: AuthContext): Promise<Attempt> {
  const a = await visibleAttempt(deps, id, auth)
  const view = toAttempt(a)
  if (a.results && (await answersReleased(deps.sql, a))) view.results = withCorrectAnswers(a.results, a.questions)
  return view
}

/** The learner's attempts of a quiz, newest first, with the one that counts under the grading policy. */
export async function listMyAttempts(deps: D, quizId: string, auth: AuthContext) {
  const quiz = await findQuizWithCourse(deps.sql, quizId)
  if (!quiz) throw httpErrors.notFound('Quiz not found')
  let rows = await q.listAttempts(deps.sql, quiz.id, auth.userId)
  const due = rows.filter((a) => isDue(a))
  if (due.length) {
    for (const a of due) await expireIfDue(deps, a.id)
    rows = await q.listAttempts(deps.sql, quiz.id, auth.userId)
  }
  const graded = rows.filter((a) => a.status !== 'in_progress' && a.percentage !== null)
  const kept = quiz.grading_policy === 'last' ? graded[0] : [...graded].sort((x, y) => y.percentage! - x.percentage!)[0]
  return {
    items: rows.map(toAttempt), next_cursor: null, grading_policy: quiz.grading_policy,
    grade: kept ? { attempt_id: kept.id, percentage: kept.percentage!, passed: Boolean(kept.passed) } : null,
  }
}

/** Autosave while in progress; past the deadline the saved answers are graded → 409 `attempt_expired`. */
export async function saveAttemptAnswers(deps: D, id: string, auth: AuthContext, answers: Answer[]): Promise<Attempt> {
  const a = await visibleAttempt(deps, id, auth, false)
  if (a.status === 'expired') throw courseErrors.attemptExpired()
  const res = await withLockedAttempt(deps, id, async (tx, locked) => {
    if (locked.status !== 'in_progress') return locked.status === 'expired' ? 'expired' : 'closed'
    assertKnownQuestions(locked, answers)
    const merged = new Map(locked.answers.map((x) => [x.question_id, x]))
    for (const x of answers) merged.set(x.question_id, x)
    await q.saveAnswers(tx, id, [...merged.values()])
    return 'ok'
  })
  if (res === 'expired') throw courseErrors.attemptExpired()
  if (res === 'closed') throw courseErrors.attemptClosed()
  return toAttempt((await q.findAttempt(deps.sql, id))!)
}

export function assertKnownQuestions(a: q.AttemptRow, answers: Answer[]) {
  const ids = new Set(a.questions.map((x) => x.id))
  const bad = answers.findIndex((x) => !ids.has(x.question_id))
  if (bad >= 0) throw httpErrors.validation([{ field: `answers.${bad}.question_id`, message: 'Not a question of this attempt' }])
}
