import { t } from 'elysia'
import { Text } from '../shared/model'
import { Quiz } from '../quizzes/model'

const DateTime = t.String({ format: 'date-time' })
const VideoUrl = t.String({ format: 'uri', maxLength: 2000, pattern: '^https?://[^\\u0000\\s]*$' })

const LESSON_EXAMPLE = {
  id: '3eaf9d85-6c4b-4ebd-8f5a-8b9c0d1e2f3a', course_id: '2d9e8c74-5b3a-4dac-9e4f-7a8b9c0d1e2f', title: 'Welcome', position: 1, duration_minutes: 5,
  video_url: null, is_preview: true, content: '# Welcome\nThis is the first lesson.', created_at: '2026-01-15T09:30:00.000Z', updated_at: '2026-01-15T09:30:00.000Z',
}

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
}, { title: 'Lesson', examples: [LESSON_EXAMPLE] })
export type Lesson = typeof Lesson.static

export const LessonDetail = t.Composite([Lesson, t.Object({ quiz: t.Nullable(Quiz) })], { title: 'LessonDetail', examples: [{ ...LESSON_EXAMPLE, quiz: null }] })
export type LessonDetail = typeof LessonDetail.static

export const CreateLesson = t.Object({
  title: Text({ minLength: 1, maxLength: 200 }),
  content: Text({ maxLength: 200_000, description: 'Markdown' }),
  position: t.Optional(t.Integer({ minimum: 1, description: 'Inserted here (others shift down); default: last' })),
  duration_minutes: t.Optional(t.Integer({ minimum: 0, maximum: 10_000 })),
  video_url: t.Optional(VideoUrl),
  is_preview: t.Optional(t.Boolean()),
}, { examples: [{ title: 'Ordering at a restaurant', content: '## Useful phrases\n- *La cuenta, por favor.*', duration_minutes: 12, is_preview: false }] })
export type CreateLesson = typeof CreateLesson.static

export const UpdateLesson = t.Object({
  title: t.Optional(Text({ minLength: 1, maxLength: 200 })),
  content: t.Optional(Text({ maxLength: 200_000 })),
  position: t.Optional(t.Integer({ minimum: 1 })),
  duration_minutes: t.Optional(t.Nullable(t.Integer({ minimum: 0, maximum: 10_000 }))),
  video_url: t.Optional(t.Nullable(VideoUrl)),
  is_preview: t.Optional(t.Boolean()),
}, { examples: [{ title: 'Welcome aboard', position: 1, is_preview: true }] })
export type UpdateLesson = typeof UpdateLesson.static

export const ReorderLessons = t.Object({ lesson_ids: t.Array(t.String({ format: 'uuid' }), { maxItems: 1000 }) }, { examples: [{ lesson_ids: ['4fb0ae96-7d5c-4fce-9a6b-9c0d1e2f3a4b', '3eaf9d85-6c4b-4ebd-8f5a-8b9c0d1e2f3a'] }] })
