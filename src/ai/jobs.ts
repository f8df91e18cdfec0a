import { t } from 'elysia'

/** Payload of an `ai` queue job `insight`: write a mentor insight after a learning event. */
export const InsightJob = t.Object({
  kind: t.Union([t.Literal('lesson_completed'), t.Literal('quiz_passed'), t.Literal('quiz_failed')]),
  user_id: t.String(),
  course_id: t.String(),
  lesson_id: t.Nullable(t.String()),
  /** What caused it (lesson id, or quiz attempt id): one insight per cause. */
  source_id: t.String(),
  quiz_id: t.Optional(t.String()),
  percentage: t.Optional(t.Nullable(t.Number())),
})
export type InsightJob = typeof InsightJob.static
