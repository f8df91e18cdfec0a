import type { Deps } from '../../platform/deps'
import type { AuthContext } from '../../platform/http/auth'
import { httpErrors } from '../../platform/http/errors'
import { writeEvent } from '../../platform/outbox'
import { iso } from '../shared/format'
import { canManage } from '../shared/viewer'
import { lockEnrollment } from '../enrollments/queries'
import { findQuestions, findQuizWithCourse, type QuizWithCourse } from '../quizzes/queries'
import type { SnapshotQuestion } from '../quizzes/grading'
import * as attempts from '../attempts/queries'
import { cascadeOutcome } from './cascade'
import type { RegradeBody, RegradeChange, RegradeResult } from './model'
import { policyOutcome, rescore, storesDifferently } from './rescore'
import * as q from './queries'

type D = Pick<Deps, 'sql'>

/** A quiz for its course's owner or an admin (hidden → 404, visible but not theirs → 403). */
export async function quizForOwner(deps: D, quizId: string, auth: AuthContext): Promise<QuizWithCourse> {
  const quiz = await findQuizWithCourse(deps.sql, quizId)
  if (!quiz) throw httpErrors.notFound('Quiz not found')
  if (!canManage(quiz, auth)) throw quiz.course_status === 'published' ? httpErrors.forbidden() : httpErrors.notFound('Quiz not found')
  return quiz
}

const changeOf = (a: attempts.AttemptRow, r: { score: number; passed: boolean }): RegradeChange | null =>
  a.score === r.score && Boolean(a.passed) === r.passed ? null
    : { attempt_id: a.id, user_id: a.user_id, old_score: a.score ?? 0, new_score: r.score, old_passed: Boolean(a.passed), new_passed: r.passed }

type Key = { current: Map<string, SnapshotQuestion>; chosen: Set<string> | null }

/**
 * Rescores one learner's attempts and applies the cascade, in one transaction holding the
 * enrollment lock and the attempt rows (the order every attempt write takes), so a
 * concurrent submit is neither lost nor regraded with a stale view.
 */
async function regradeLearner(deps: D, quiz: QuizWithCourse, userId: string, key: Key, regradeId: string): Promise<RegradeChange[]> {
  return deps.sql.begin(async (tx) => {
    const enr = await lockEnrollment(tx, userId, quiz.course_id)
    const rows = await attempts.lockLearnerAttempts(tx, quiz.id, userId)
    const before = policyOutcome(rows, quiz.grading_policy)
    const changes: RegradeChange[] = []
    const after = rows.map((a) => {
      if (a.status === 'in_progress' || !a.results) return a
      const r = rescore(a, key.current, key.chosen)
      if (!storesDifferently(a, r)) return a
      const change = changeOf(a, r)
      if (change) changes.push(change)
      return { ...a, ...r, results: r.results, updated: true }
    })
    for (const a of after) if ('updated' in a) await attempts.storeRegrade(tx, a.id, a)
    if (changes.length === 0) return []
    const outcome = policyOutcome(after, quiz.grading_policy)
    const kept = after.find((a) => a.id === outcome?.attempt_id)
    await cascadeOutcome(tx, {
      userId, quizId: quiz.id, lessonId: quiz.lesson_id, courseId: quiz.course_id, enrollmentId: enr && enr.status !== 'revoked' ? enr.id : null,
    }, Boolean(before?.passed), Boolean(outcome?.passed), kept)
    await writeEvent(tx, 'quiz.regraded', {
      user_id: userId, quiz_id: quiz.id, attempt_id: outcome?.attempt_id ?? changes[0]!.attempt_id, passed: Boolean(outcome?.passed), regrade_id: regradeId,
    })
    return changes
  }) as Promise<RegradeChange[]>
}

/** POST /quizzes/:id/regrade: list (dry run) or apply the rescoring with the current key. */
export async function regradeQuiz(deps: D, quizId: string, auth: AuthContext, body: RegradeBody): Promise<RegradeResult> {
  const quiz = await quizForOwner(deps, quizId, auth)
  const current = new Map((await findQuestions(deps.sql, quiz.id)).map((x) => [x.id, x]))
  const unknown = (body.question_ids ?? []).map((id, i) => ({ id, i })).filter(({ id }) => !current.has(id))
  if (unknown.length) throw httpErrors.validation(unknown.map(({ i }) => ({ field: `question_ids.${i}`, message: 'Not a question of this quiz' })))
  const key: Key = { current, chosen: body.question_ids ? new Set(body.question_ids) : null }
  if (body.dry_run) {
    const changes = (await attempts.listGradedAttempts(deps.sql, quiz.id))
      .map((a) => changeOf(a, rescore(a, key.current, key.chosen))).filter((c): c is RegradeChange => c !== null)
    return { dry_run: true, attempts_affected: changes.length, changes }
  }
  const regradeId = await q.insertRegrade(deps.sql, { quizId: quiz.id, byUserId: auth.userId, questionIds: body.question_ids ? [...new Set(body.question_ids)] : null })
  const changes: RegradeChange[] = []
  for (const userId of await attempts.learnersWithGradedAttempts(deps.sql, quiz.id)) {
    changes.push(...(await regradeLearner(deps, quiz, userId, key, regradeId)))
  }
  await q.setAttemptsAffected(deps.sql, regradeId, changes.length)
  return { regrade_id: regradeId, dry_run: false, attempts_affected: changes.length, changes }
}

/** GET /quizzes/:id/regrades: the applied runs, newest first. */
export async function listQuizRegrades(deps: D, quizId: string, auth: AuthContext) {
  const quiz = await quizForOwner(deps, quizId, auth)
  const rows = await q.listRegrades(deps.sql, quiz.id)
  return {
    items: rows.map((r) => ({ id: r.id, by: r.by_user_id, at: iso(r.created_at)!, question_ids: r.question_ids, attempts_affected: r.attempts_affected })),
    next_cursor: null,
  }
}
