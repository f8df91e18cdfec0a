/** Regrade rules (SPEC §14), pure functions over an attempt and the quiz's current questions. */
import { gradeOne, totals, type Grade, type SnapshotQuestion } from '../quizzes/grading'
import type { AttemptRow } from '../attempts/queries'

export type Rescored = Grade & { questions: SnapshotQuestion[]; status: AttemptRow['status'] }

/**
 * Rescores a graded attempt with the current key and points of the chosen questions
 * (matched by id; all when `chosen` is null). The attempt keeps its own option order and
 * pass mark; other questions keep their results; a reviewed essay keeps its points (capped).
 */
export function rescore(a: Pick<AttemptRow, 'questions' | 'answers' | 'results' | 'pass_percentage' | 'status'>, current: Map<string, SnapshotQuestion>, chosen: Set<string> | null): Rescored {
  const answers = new Map(a.answers.map((x) => [x.question_id, x]))
  const previous = new Map((a.results ?? []).map((r) => [r.question_id, r]))
  const questions = a.questions.map((q) => {
    const cur = current.get(q.id)
    if (!cur || (chosen && !chosen.has(q.id))) return q
    const curOptions = new Map(cur.options.map((o) => [o.id, o]))
    const kept = q.options.filter((o) => curOptions.has(o.id)).map((o) => curOptions.get(o.id)!)
    return { ...cur, options: [...kept, ...cur.options.filter((o) => !q.options.some((x) => x.id === o.id))] }
  })
  const results = questions.map((q, i) => {
    const prev = previous.get(q.id)
    if (prev && q === a.questions[i]) return prev
    if (prev && q.type === 'essay' && a.questions[i]!.type === 'essay') return { ...prev, points: Math.min(prev.points, q.points) }
    return gradeOne(q, answers.get(q.id))
  })
  const g = totals(questions, results, a.pass_percentage)
  const status = a.status === 'expired' ? 'expired' : g.pending ? 'needs_review' : 'submitted'
  return { ...g, questions, status }
}

type Graded = Pick<AttemptRow, 'id' | 'attempt_number' | 'status' | 'percentage' | 'passed'>

/** The attempt that counts under the grading policy (best, or latest graded) and whether it passed. */
export function policyOutcome(attempts: Graded[], policy: 'highest' | 'last'): { attempt_id: string; passed: boolean } | null {
  const graded = attempts.filter((a) => a.status !== 'in_progress' && a.percentage !== null)
  if (graded.length === 0) return null
  const kept = policy === 'last'
    ? graded.reduce((x, y) => (y.attempt_number > x.attempt_number ? y : x))
    : graded.reduce((x, y) => (Number(y.passed) > Number(x.passed) || (y.passed === x.passed && y.percentage! > x.percentage!) ? y : x))
  return { attempt_id: kept.id, passed: Boolean(kept.passed) }
}

/** True when the rescoring changes what the attempt stores (key, results or totals). */
export const storesDifferently = (a: Pick<AttemptRow, 'questions' | 'results' | 'score' | 'passed' | 'status'>, r: Rescored) =>
  a.score !== r.score || a.passed !== r.passed || a.status !== r.status ||
  JSON.stringify(a.questions) !== JSON.stringify(r.questions) || JSON.stringify(a.results) !== JSON.stringify(r.results)
