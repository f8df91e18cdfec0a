/** Grading rules of SPEC §4, pure functions over an attempt's question snapshot. */
export type SnapshotQuestion = {
  id: string; type: 'multiple_choice' | 'true_false' | 'short_answer' | 'essay'; prompt: string; points: number
  options: { id: string; text: string; is_correct: boolean }[]; answer: string | null
}
export type Answer = { question_id: string; option_id?: string; text?: string }
export type QuestionResult = { question_id: string; correct: boolean; points: number; needs_review: boolean }
export type Grade = { score: number; max_score: number; percentage: number; passed: boolean; pending: boolean; results: QuestionResult[] }

const norm = (s: string | undefined | null) => (s ?? '').trim().toLowerCase()

export function gradeOne(q: SnapshotQuestion, a: Answer | undefined): QuestionResult {
  if (q.type === 'essay') return { question_id: q.id, correct: false, points: 0, needs_review: true }
  let correct = false
  if (q.type === 'multiple_choice') correct = Boolean(a?.option_id) && q.options.some((o) => o.id === a!.option_id && o.is_correct)
  else correct = a?.text !== undefined && norm(a.text) === norm(q.answer)
  return { question_id: q.id, correct, points: correct ? q.points : 0, needs_review: false }
}

/** Totals of per-question results; a pending essay keeps the attempt from passing. */
export function totals(questions: SnapshotQuestion[], results: QuestionResult[], passPercentage: number): Grade {
  const max = questions.reduce((n, q) => n + q.points, 0)
  const score = results.reduce((n, r) => n + r.points, 0)
  const percentage = max > 0 ? Math.round((score / max) * 10000) / 100 : 100
  const pending = results.some((r) => r.needs_review)
  return { score, max_score: max, percentage, pending, passed: !pending && percentage >= passPercentage, results }
}

export function gradeAttempt(questions: SnapshotQuestion[], answers: Answer[], passPercentage: number): Grade {
  const byQuestion = new Map(answers.map((a) => [a.question_id, a]))
  return totals(questions, questions.map((q) => gradeOne(q, byQuestion.get(q.id))), passPercentage)
}

/** Later answers replace earlier ones for the same question. */
export function mergeAnswers(saved: Answer[], incoming: Answer[]): Answer[] {
  const m = new Map(saved.map((a) => [a.question_id, a]))
  for (const a of incoming) m.set(a.question_id, a)
  return [...m.values()]
}

export function shuffled<T>(items: T[]): T[] {
  const a = [...items]
  for (let i = a.length - 1; i > 0; i--) {
    const j = crypto.getRandomValues(new Uint32Array(1))[0]! % (i + 1)
    ;[a[i], a[j]] = [a[j]!, a[i]!]
  }
  return a
}
