import type { Deps } from '../../platform/deps'
import type { AuthContext } from '../../platform/http/auth'
import { httpErrors } from '../../platform/http/errors'
import { courseErrors } from '../errors'
import { canManage } from '../shared/viewer'
import { mergeAnswers, totals, type Answer } from '../quizzes/grading'
import { applyOutcome, finalize, isDue, withLockedAttempt } from './grade'
import { assertKnownQuestions } from './service'
import type { SubmitResult } from './model'
import * as q from './queries'
import { answersReleased, withCorrectAnswers } from './release'

/**
 * Grades the attempt with the submitted answers (over the autosaved ones). Past the
 * deadline plus grace the saved answers are graded instead, the attempt is `expired`, and
 * the caller gets 409 `attempt_expired` (after that grade is committed).
 */
export async function submitAttempt(deps: Pick<Deps, 'sql'>, id: string, auth: AuthContext, answers: Answer[]): Promise<SubmitResult> {
  const peek = await q.findAttempt(deps.sql, id)
  if (!peek || peek.user_id !== auth.userId) throw httpErrors.notFound('Attempt not found')
  const res = await withLockedAttempt(deps, id, async (tx, a, enrollmentId) => {
    if (a.status === 'expired') return 'expired' as const
    if (a.status !== 'in_progress') return 'closed' as const
    if (isDue(a)) {
      await finalize(tx, a, a.answers, true, enrollmentId)
      return 'expired' as const
    }
    assertKnownQuestions(a, answers)
    const g = await finalize(tx, a, mergeAnswers(a.answers, answers), false, enrollmentId)
    const results = (await answersReleased(tx, { ...a, status: g.status })) ? withCorrectAnswers(g.results, a.questions) : g.results
    return { attempt_id: a.id, status: g.status, score: g.score, max_score: g.max_score, percentage: g.percentage, passed: g.passed, results }
  })
  if (res === 'expired') throw courseErrors.attemptExpired()
  if (res === 'closed') throw courseErrors.attemptClosed()
  return res!
}

/**
 * The course owner scores an essay. Totals are recomputed; once nothing awaits review the
 * attempt is final (`needs_review` → `submitted`), and a pass completes the lesson.
 */
export async function reviewAttempt(deps: Pick<Deps, 'sql'>, id: string, auth: AuthContext, body: { question_id: string; points: number }): Promise<SubmitResult> {
  const peek = await q.findAttempt(deps.sql, id)
  if (!peek || !canManage(peek, auth)) throw peek?.user_id === auth.userId ? httpErrors.forbidden() : httpErrors.notFound('Attempt not found')
  const res = await withLockedAttempt(deps, id, async (tx, a, enrollmentId) => {
    const question = a.questions.find((x) => x.id === body.question_id)
    if (a.status === 'in_progress' || !a.results || question?.type !== 'essay') throw courseErrors.notReviewable()
    if (body.points > question.points) throw httpErrors.validation([{ field: 'points', message: `At most ${question.points} points` }])
    const wasPending = a.results.some((r) => r.needs_review)
    const results = a.results.map((r) => (r.question_id === question.id ? { ...r, points: body.points, correct: body.points > 0, needs_review: false } : r))
    const g = totals(a.questions, results, a.pass_percentage)
    const status = a.status === 'needs_review' && !g.pending ? 'submitted' : a.status
    await q.storeGrade(tx, a.id, { status, ...g })
    await applyOutcome(tx, a, g, g.passed && !a.passed ? enrollmentId : null, wasPending || g.passed !== a.passed)
    return { attempt_id: a.id, status, score: g.score, max_score: g.max_score, percentage: g.percentage, passed: g.passed, results: g.results }
  })
  return res!
}
