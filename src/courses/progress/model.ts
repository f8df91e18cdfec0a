import { t } from 'elysia'

export const LessonStatus = t.Union([t.Literal('not_started'), t.Literal('in_progress'), t.Literal('completed')])
export const Progress = t.Object({
  lesson_id: t.String({ format: 'uuid' }),
  status: LessonStatus,
  progress_percent: t.Number(),
  position_seconds: t.Nullable(t.Integer()),
  completed_at: t.Nullable(t.String({ format: 'date-time' })),
}, { title: 'LessonProgress', examples: [{ lesson_id: '3eaf9d85-6c4b-4ebd-8f5a-8b9c0d1e2f3a', status: 'in_progress', progress_percent: 40, position_seconds: 120, completed_at: null }] })
export type Progress = typeof Progress.static

export const PutProgress = t.Object({
  progress_percent: t.Number({ minimum: 0, maximum: 100 }),
  position_seconds: t.Optional(t.Integer({ minimum: 0, maximum: 10_000_000 })),
}, { examples: [{ progress_percent: 40, position_seconds: 120 }] })
