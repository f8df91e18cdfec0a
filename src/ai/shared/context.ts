import type { Tx } from '../../platform/db'
import { estimateTokens, type AiMessage } from '../../platform/ai'
import { getLearnerSnapshot, type LearnerSnapshot } from '../../courses/public'

export type { LearnerSnapshot }

/** The learner's enrollments, progress and recent quiz results — never quiz answers. */
export const learnerSnapshot = (sql: Tx, userId: string, courseId?: string | null) => getLearnerSnapshot(sql, userId, courseId ?? undefined)

const pct = (n: number | null) => (n === null ? 'n/a' : `${Math.round(n)}%`)

/** Plain-text summary of the snapshot for prompts (ids are left out: the model needs none). */
export function describeLearner(s: LearnerSnapshot): string {
  const lines: string[] = []
  if (s.enrollments.length === 0) lines.push('- Not enrolled in any course yet.')
  for (const e of s.enrollments.slice(0, 10)) {
    lines.push(`- Course "${e.course_title}": ${e.status}, ${e.progress_percentage}% done (${e.completed_lessons_count}/${e.total_lessons} lessons).`)
  }
  for (const r of s.recent_quiz_results.slice(0, 5)) {
    lines.push(`- Quiz "${r.quiz_title}" (lesson "${r.lesson_title}"): ${pct(r.percentage)}, ${r.passed ? 'passed' : 'not passed'}.`)
  }
  if (s.in_progress_quiz_ids.length) lines.push(`- Has ${s.in_progress_quiz_ids.length} quiz attempt(s) in progress right now.`)
  return lines.join('\n')
}

/** The mentor's instructions: Socratic, hints not answers, and never a quiz answer. */
export function mentorSystemPrompt(s: LearnerSnapshot): string {
  return [
    'You are Lyceum\'s AI mentor. Be encouraging and concise. Teach Socratically: ask guiding questions and give hints, not finished answers.',
    'Never reveal or confirm answers to quiz questions, especially of a quiz the learner is taking now; explain the underlying concept instead.',
    'What you know about the learner:',
    describeLearner(s),
  ].join('\n')
}

/** Keeps the newest history messages that fit in `budgetTokens`, oldest first. */
export function trimHistory(history: AiMessage[], budgetTokens: number): AiMessage[] {
  const kept: AiMessage[] = []
  let used = 0
  for (let i = history.length - 1; i >= 0; i--) {
    const cost = estimateTokens(history[i]!.content) + 4
    if (used + cost > budgetTokens) break
    used += cost
    kept.unshift(history[i]!)
  }
  return kept
}

/** The offline provider's deterministic reply, built from the learner's data. */
export function offlineMentorReply(s: LearnerSnapshot, message: string): string {
  const active = s.enrollments.find((e) => e.status === 'active') ?? s.enrollments[0]
  const parts = ['[offline mentor]']
  if (active) parts.push(`You are ${active.progress_percentage}% through "${active.course_title}" (${active.completed_lessons_count}/${active.total_lessons} lessons).`)
  else parts.push('You are not enrolled in a course yet; pick one from the catalog to get started.')
  const last = s.recent_quiz_results[0]
  if (last) parts.push(`Your latest quiz, "${last.quiz_title}", scored ${pct(last.percentage)}${last.passed ? ' — well done' : ' — review the lesson and try again'}.`)
  const topic = message.trim().replace(/\s+/g, ' ').slice(0, 80)
  parts.push(`About "${topic}": what do you already know about it, and which step is unclear? Try explaining it in your own words first.`)
  return parts.join(' ')
}
