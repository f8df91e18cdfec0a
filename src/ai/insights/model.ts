import { t } from 'elysia'

export const Insight = t.Object(
  {
    id: t.String({ format: 'uuid' }),
    kind: t.String({ description: '`lesson_completed`, `quiz_passed` or `quiz_failed`' }),
    text: t.String(),
    lesson_id: t.Nullable(t.String()),
    course_id: t.Nullable(t.String()),
    created_at: t.Date(),
  },
  { title: 'Insight', examples: [{ id: 'f46bf9a0-2801-4479-8f16-a01223344556', kind: 'quiz_passed', text: 'You passed “Check your understanding” with 100 %. Next: try the paid course.', lesson_id: '3eaf9d85-6c4b-4ebd-8f5a-8b9c0d1e2f3a', course_id: '2d9e8c74-5b3a-4dac-9e4f-7a8b9c0d1e2f', created_at: '2026-01-15T10:21:00.000Z' }] },
)
export const InsightList = t.Object({ items: t.Array(Insight), next_cursor: t.Nullable(t.String()) })
export const InsightQuery = t.Object({ limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })), cursor: t.Optional(t.String()) })
