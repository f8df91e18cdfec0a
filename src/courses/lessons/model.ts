import { t } from 'elysia'
import { Text } from '../shared/model'
import { Quiz } from '../quizzes/model'

const DateTime = t.String({ format: 'date-time' })
const VideoUrl = t.String({ format: 'uri', maxLength: 2000, pattern: '^https?://[^\\u0000\\s]*$' })

export const Lesson = t.Object({
  id: t.String({ format: 'uuid' }),
  course_id: t.String({ format: 'uuid' }),
  title: t.String(),
  position: t.Integer({ minimum: 1 }),
  duration_minutes: t.Nullable(t.Integer()),
  video_url: t.Nullable(t.String()),
  is_preview: t.Boolean(),
  content: t.String({ description: 'Markdown' }),
  created_at: DateTime,
  updated_at: DateTime,
}, { title: 'Lesson' })
export type Lesson = typeof Lesson.static

export const LessonDetail = t.Composite([Lesson, t.Object({ quiz: t.Nullable(Quiz) })], { title: 'LessonDetail' })
export type LessonDetail = typeof LessonDetail.static

export const CreateLesson = t.Object({
  title: Text({ minLength: 1, maxLength: 200 }),
  content: Text({ maxLength: 200_000, description: 'Markdown' }),
  position: t.Optional(t.Integer({ minimum: 1, description: 'Inserted here (others shift down); default: last' })),
  duration_minutes: t.Optional(t.Integer({ minimum: 0, maximum: 10_000 })),
  video_url: t.Optional(VideoUrl),
  is_preview: t.Optional(t.Boolean()),
})
export type CreateLesson = typeof CreateLesson.static

export const UpdateLesson = t.Object({
  title: t.Optional(Text({ minLength: 1, maxLength: 200 })),
  content: t.Optional(Text({ maxLength: 200_000 })),
  position: t.Optional(t.Integer({ minimum: 1 })),
  duration_minutes: t.Optional(t.Nullable(t.Integer({ minimum: 0, maximum: 10_000 }))),
  video_url: t.Optional(t.Nullable(VideoUrl)),
  is_preview: t.Optional(t.Boolean()),
})
export type UpdateLesson = typeof UpdateLesson.static

export const ReorderLessons = t.Object({ lesson_ids: t.Array(t.String({ format: 'uuid' }), { maxItems: 1000 }) })
