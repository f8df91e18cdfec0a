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
  { title: 'Insight' },
)
export const InsightList = t.Object({ items: t.Array(Insight), next_cursor: t.Nullable(t.String()) })
export const InsightQuery = t.Object({ limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })), cursor: t.Optional(t.String()) })
