import type { Tx } from '../../platform/db'
import type { QuestionResult, SnapshotQuestion } from '../quizzes/grading'
import { GRACE_SECONDS } from './grade'
import { learnerQuizState, type AttemptRow } from './queries'

export type ReleasedResult = QuestionResult & { correct_option_id?: string; correct_answer?: string }

/**
 * Whether the learner may see the correct answers of this attempt (`show_correct_answers`):
 * never while any attempt of theirs at this quiz is in progress; `after_submit` once this
 * attempt is closed; `after_pass` once they have passed the quiz.
 */
export async function answersReleased(sql: Tx, a: Pick<AttemptRow, 'quiz_id' | 'user_id' | 'status' | 'show_correct_answers'>): Promise<boolean> {
  if (a.show_correct_answers === 'never' || a.status === 'in_progress') return false
  const state = await learnerQuizState(sql, a.quiz_id, a.user_id, GRACE_SECONDS)
  if (state.open) return false
  return a.show_correct_answers === 'after_submit' || state.passed
}

/** Adds the attempt's key (its snapshot: the current key once a regrade was applied) to each result. */
export function withCorrectAnswers(results: QuestionResult[], questions: SnapshotQuestion[]): ReleasedResult[] {
  const byId = new Map(questions.map((q) => [q.id, q]))
  return results.map((r) => {
    const q = byId.get(r.question_id)
    if (!q || q.type === 'essay') return r
    if (q.type === 'multiple_choice') {
      const right = q.options.find((o) => o.is_correct)
      return right ? { ...r, correct_option_id: right.id } : r
    }
    return q.answer === null ? r : { ...r, correct_answer: q.answer }
  })
}
