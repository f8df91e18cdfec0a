import type { ErrorDetail } from '../../platform/http/errors'
import type { SnapshotQuestion } from './grading'
import type { QuestionInput } from './model'

export type KeyedQuestion = QuestionInput & { id: string; options: { id: string; text: string; is_correct: boolean }[] }

/**
 * Decides which question (and option) ids survive an edit of a quiz, so that a regrade can
 * match a question across attempts. A question keeps its id when the body names it (`id`),
 * else when an unused existing question has the same prompt, else when the existing
 * question at the same position is unused and of the same type. An option keeps its id
 * when named, else when an unused option of that question has the same text. A named id
 * that is not in the quiz → 422.
 */
export function assignIds(existing: SnapshotQuestion[], incoming: QuestionInput[]): { questions: KeyedQuestion[]; errors: ErrorDetail[] } {
  const errors: ErrorDetail[] = []
  const byId = new Map(existing.map((q) => [q.id, q]))
  const used = new Set<string>()
  incoming.forEach((q, i) => {
    if (!q.id) return
    if (!byId.has(q.id) || used.has(q.id)) errors.push({ field: `questions.${i}.id`, message: 'Not a question of this quiz (or named twice)' })
    used.add(q.id)
  })
  const pick = (q: QuestionInput, i: number): SnapshotQuestion | undefined => {
    if (q.id) return byId.get(q.id)
    const same = existing.find((e) => !used.has(e.id) && e.prompt === q.prompt)
      ?? (existing[i] && !used.has(existing[i]!.id) && existing[i]!.type === q.type ? existing[i] : undefined)
    if (same) used.add(same.id)
    return same
  }
  const questions = incoming.map((q, i) => {
    const old = pick(q, i)
    return { ...q, id: old?.id ?? crypto.randomUUID(), options: keyOptions(old?.options ?? [], q.options ?? [], `questions.${i}`, errors) }
  })
  return { questions, errors }
}

function keyOptions(existing: SnapshotQuestion['options'], incoming: NonNullable<QuestionInput['options']>, at: string, errors: ErrorDetail[]) {
  const used = new Set(incoming.map((o) => o.id).filter(Boolean) as string[])
  return incoming.map((o, j) => {
    if (o.id && !existing.some((e) => e.id === o.id)) errors.push({ field: `${at}.options.${j}.id`, message: 'Not an option of this question' })
    const same = o.id ? undefined : existing.find((e) => !used.has(e.id) && e.text === o.text)
    if (same) used.add(same.id)
    return { id: o.id ?? same?.id ?? crypto.randomUUID(), text: o.text, is_correct: Boolean(o.is_correct) }
  })
}
