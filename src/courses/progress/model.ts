import { t } from 'elysia'

export const LessonStatus = t.Union([t.Literal('not_started'), t.Literal('in_progress'), t.Literal('completed')])
export const Progress = t.Object({
  lesson_id: t.String({ format: 'uuid' }),
  status: LessonStatus,
  progress_percent: t.Number(),
  position_seconds: t.Nullable(t.Integer()),
  completed_at: t.Nullable(t.String({ format: 'date-time' })),
}, { title: 'LessonProgress' })
export type Progress = typeof Progress.static

export const PutProgress = t.Object({
  progress_percent: t.Number({ minimum: 0, maximum: 100 }),
  position_seconds: t.Optional(t.Integer({ minimum: 0, maximum: 10_000_000 })),
})
