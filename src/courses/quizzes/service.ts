import type { Deps } from '../../platform/deps'
import type { Tx } from '../../platform/db'
import type { AuthContext } from '../../platform/http/auth'
import { httpErrors, type ErrorDetail } from '../../platform/http/errors'
import { canManage } from '../shared/viewer'
import { findLessonWithCourse } from '../lessons/queries'
import type { SnapshotQuestion } from './grading'
import type { PutQuiz, Quiz, QuestionView } from './model'
import * as q from './queries'
import { assignIds } from './identity'

/** A question as served: answers and correct flags only for the owner. */
export function toQuestionView(qn: SnapshotQuestion, withAnswers: boolean): QuestionView {
  const options = qn.options.map((o) => (withAnswers ? { id: o.id, text: o.text, is_correct: o.is_correct } : { id: o.id, text: o.text }))
  return withAnswers ? { id: qn.id, type: qn.type, prompt: qn.prompt, points: qn.points, options, answer: qn.answer } : { id: qn.id, type: qn.type, prompt: qn.prompt, points: qn.points, options }
}

export async function findQuizView(sql: Tx, lessonId: string, withAnswers: boolean): Promise<Quiz | null> {
  const quiz = await q.findQuizByLesson(sql, lessonId)
  if (!quiz) return null
  const questions = await q.findQuestions(sql, quiz.id)
  return { ...quiz, questions: questions.map((qn) => toQuestionView(qn, withAnswers)) }
}

/** The per-type rules of SPEC §4 that a schema cannot say. */
function validateQuestions(body: PutQuiz) {
  const details: ErrorDetail[] = []
  body.questions.forEach((qn, i) => {
    const at = `questions.${i}`
    if (qn.type === 'multiple_choice') {
      const opts = qn.options ?? []
      if (opts.length < 2) details.push({ field: `${at}.options`, message: 'A multiple-choice question needs at least two options' })
      else if (opts.filter((o) => o.is_correct).length !== 1) details.push({ field: `${at}.options`, message: 'Exactly one option must be correct' })
    } else if (qn.type === 'true_false') {
      if (!['true', 'false'].includes((qn.answer ?? '').trim().toLowerCase())) details.push({ field: `${at}.answer`, message: 'Must be "true" or "false"' })
    } else if (qn.type === 'short_answer') {
      if (!qn.answer?.trim()) details.push({ field: `${at}.answer`, message: 'A short-answer question needs its expected answer' })
    }
    if (qn.type !== 'multiple_choice' && qn.options?.length) details.push({ field: `${at}.options`, message: 'Only multiple-choice questions take options' })
  })
  if (details.length) throw httpErrors.validation(details)
}

async function lessonForQuizWrite(deps: Pick<Deps, 'sql'>, lessonId: string, auth: AuthContext) {
  const l = await findLessonWithCourse(deps.sql, lessonId)
  if (!l) throw httpErrors.notFound('Lesson not found')
  if (!canManage(l, auth)) throw l.course_status === 'published' ? httpErrors.forbidden() : httpErrors.notFound('Lesson not found')
  return l
}

/** Creates or replaces a lesson's quiz; returns it with answers (the caller is the owner). */
export async function putQuiz(deps: Pick<Deps, 'sql'>, lessonId: string, auth: AuthContext, body: PutQuiz): Promise<Quiz> {
  validateQuestions(body)
  const l = await lessonForQuizWrite(deps, lessonId, auth)
  await deps.sql.begin(async (tx) => {
    const quizId = await q.upsertQuizRow(tx, l.id, body)
    const { questions, errors } = assignIds(await q.lockQuestions(tx, quizId), body.questions)
    if (errors.length) throw httpErrors.validation(errors)
    await q.replaceQuestions(tx, quizId, questions)
  })
  return (await findQuizView(deps.sql, l.id, true))!
}

export async function removeQuiz(deps: Pick<Deps, 'sql'>, lessonId: string, auth: AuthContext): Promise<void> {
  const l = await lessonForQuizWrite(deps, lessonId, auth)
  if (!(await q.deleteQuiz(deps.sql, l.id))) throw httpErrors.notFound('This lesson has no quiz')
}
