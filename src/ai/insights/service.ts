import { t } from 'elysia'
import type { Deps } from '../../platform/deps'
import { aiProvider } from '../../platform/ai'
import type { InsightJob } from '../jobs'
import { describeLearner, learnerSnapshot, type LearnerSnapshot } from '../shared/context'
import { decodeKeyset, keysetPage } from '../../platform/http/cursor'
import { completeStructured } from '../shared/structured'
import { recordTokens } from '../shared/usage'
import * as q from './queries'

/** What the model must answer: one short, specific, encouraging insight. */
export const InsightOutput = t.Object({ text: t.String({ minLength: 1, maxLength: 600 }) })

const EVENT_TEXT: Record<InsightJob['kind'], string> = {
  lesson_completed: 'just completed a lesson',
  quiz_passed: 'just passed a quiz',
  quiz_failed: 'just failed a quiz',
}

function offlineInsight(job: InsightJob, s: LearnerSnapshot): string {
  const course = s.enrollments.find((e) => e.course_id === job.course_id)
  const where = course ? `"${course.course_title}" (${course.progress_percentage}% done, ${course.completed_lessons_count}/${course.total_lessons} lessons)` : 'your course'
  const text =
    job.kind === 'lesson_completed'
      ? `Nice work finishing a lesson in ${where}. Take a minute to summarise its key idea in one sentence before moving on.`
      : job.kind === 'quiz_passed'
        ? `You passed a quiz in ${where} with ${Math.round(job.percentage ?? 0)}%. Keep the momentum: start the next lesson while it is fresh.`
        : `That quiz in ${where} scored ${Math.round(job.percentage ?? 0)}%. Re-read the lesson, note what surprised you, then try again.`
  return JSON.stringify({ text })
}

/**
 * The worker's reaction to a learning event: asks the model for a short insight as JSON
 * (validated; a malformed answer is retried once, then dropped with a log line), stores it
 * once per cause and pushes `notification {kind: "mentor_insight"}`. Provider failures throw
 * so the job is retried.
 */
export async function generateInsight(deps: Pick<Deps, 'sql' | 'config' | 'hub' | 'log'>, job: InsightJob) {
  if (await q.insightExists(deps.sql, job.user_id, job.kind, job.source_id)) return null
  // SPEC §12: one insight per (user, lesson) and per (user, quiz) per UTC day; more are skipped.
  const slot = { userId: job.user_id, subject: dailySubject(job), kind: job.kind, sourceId: job.source_id }
  if (!(await q.claimDailySlot(deps.sql, slot))) return null
  try {
    const insight = await writeInsight(deps, job)
    if (!insight) await q.releaseDailySlot(deps.sql, slot)
    return insight
  } catch (err) {
    await q.releaseDailySlot(deps.sql, slot).catch(() => {})
    throw err
  }
}

/** The daily-slot subject: the quiz for quiz events (any attempt), the lesson for completions. */
const dailySubject = (job: InsightJob) =>
  job.kind === 'lesson_completed' ? `lesson:${job.lesson_id ?? job.source_id}` : `quiz:${job.quiz_id ?? job.source_id}`

async function writeInsight(deps: Pick<Deps, 'sql' | 'config' | 'hub' | 'log'>, job: InsightJob) {
  const snapshot = await learnerSnapshot(deps.sql, job.user_id, job.course_id)
  const messages = [
    {
      role: 'system' as const,
      content: 'You are Lyceum\'s AI mentor. Answer with a JSON object {"text": string} holding one short (max 2 sentences), specific, encouraging insight for the learner. Never include quiz answers.',
    },
    { role: 'user' as const, content: `The learner ${EVENT_TEXT[job.kind]}${job.percentage != null ? ` (score ${Math.round(job.percentage)}%)` : ''}.\n${describeLearner(snapshot)}` },
  ]
  const res = await completeStructured(aiProvider(deps.config), { messages, offline: () => offlineInsight(job, snapshot), maxTokens: 200 }, InsightOutput)
  if (!res.ok) {
    deps.log.warn('mentor insight dropped: malformed model output', { user_id: job.user_id, kind: job.kind, source_id: job.source_id, attempts: res.attempts })
    return null
  }
  const insight = await deps.sql.begin(async (tx) => {
    const row = await q.insertInsight(tx, { userId: job.user_id, kind: job.kind, text: res.value.text.trim(), lessonId: job.lesson_id, courseId: job.course_id, sourceId: job.source_id })
    if (row) await recordTokens(tx, job.user_id, res.usage)
    return row
  })
  if (insight) await deps.hub.publish([job.user_id], 'notification', { kind: 'mentor_insight', insight })
  return insight
}

export async function listMyInsights(deps: Pick<Deps, 'sql'>, userId: string, query: { limit?: number; cursor?: string }) {
  const limit = query.limit ?? 20
  const rows = await q.listInsights(deps.sql, userId, limit, decodeKeyset(query.cursor))
  return keysetPage(rows, limit, (r) => ({ at: r.created_at, id: r.id }))
}
