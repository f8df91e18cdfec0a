import { t } from 'elysia'
import { Text } from '../shared/model'

const PublicUser = t.Object({ id: t.String({ format: 'uuid' }), display_name: t.String(), avatar_url: t.Nullable(t.String()) }, { title: 'PublicUser', examples: [{ id: '1c8d7b63-4a2f-4c9b-8d3e-6f7a8b9c0d1e', display_name: 'Ivan Instructor', avatar_url: null }] })
export const Level = t.Union([t.Literal('beginner'), t.Literal('intermediate'), t.Literal('advanced')])
export const CourseStatus = t.Union([t.Literal('draft'), t.Literal('published'), t.Literal('archived')])
const DateTime = t.String({ format: 'date-time' })
const Slug = t.String({ pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$', minLength: 1, maxLength: 100, description: 'lower-case letters, digits and single hyphens' })
const Currency = t.String({ pattern: '^[A-Za-z]{3}$', description: 'ISO-4217; stored and returned in lower case' })
const Tags = t.Array(Text({ minLength: 1, maxLength: 40 }), { maxItems: 20 })

const LESSON_SUMMARY_EXAMPLE = { id: '3eaf9d85-6c4b-4ebd-8f5a-8b9c0d1e2f3a', title: 'Welcome', position: 1, duration_minutes: 5, is_preview: true }
const COURSE_EXAMPLE = {
  id: '2d9e8c74-5b3a-4dac-9e4f-7a8b9c0d1e2f', slug: 'intro-to-lyceum', title: 'Introduction to Lyceum', summary: 'A short tour of the platform.',
  description: 'Lessons, a quiz and a certificate at the end.', status: 'published', price_cents: 0, currency: 'usd', level: 'beginner',
  tags: ['demo', 'getting-started'], cover_file_id: null, cover_url: null,
  instructor: { id: '1c8d7b63-4a2f-4c9b-8d3e-6f7a8b9c0d1e', display_name: 'Ivan Instructor', avatar_url: null }, lessons_count: 2, sequential: false,
  created_at: '2026-01-15T09:30:00.000Z', updated_at: '2026-01-15T09:45:00.000Z', published_at: '2026-01-15T09:45:00.000Z', archived_at: null,
}

export const LessonSummary = t.Object({
  id: t.String({ format: 'uuid' }),
  title: t.String(),
  position: t.Integer(),
  duration_minutes: t.Nullable(t.Integer()),
  is_preview: t.Boolean(),
  locked: t.Optional(t.Boolean({ description: 'Sequential courses, for an enrolled caller: true until the lesson before it is completed' })),
}, { title: 'LessonSummary', examples: [LESSON_SUMMARY_EXAMPLE] })

export const Course = t.Object({
  id: t.String({ format: 'uuid' }),
  slug: t.String(),
  title: t.String(),
  summary: t.Nullable(t.String()),
  description: t.Nullable(t.String()),
  status: CourseStatus,
  price_cents: t.Integer(),
  currency: t.String(),
  level: t.Nullable(Level),
  tags: t.Array(t.String()),
  cover_file_id: t.Nullable(t.String()),
  cover_url: t.Nullable(t.String()),
  instructor: PublicUser,
  lessons_count: t.Integer(),
  sequential: t.Boolean({ description: 'Lessons (except previews) open one after another: each needs the one before it completed' }),
  created_at: DateTime,
  updated_at: DateTime,
  published_at: t.Nullable(DateTime),
  archived_at: t.Nullable(DateTime),
}, { title: 'Course', examples: [COURSE_EXAMPLE] })
export type Course = typeof Course.static

export const CourseDetail = t.Composite([Course, t.Object({ lessons: t.Array(LessonSummary) })], { title: 'CourseDetail', examples: [{ ...COURSE_EXAMPLE, lessons: [LESSON_SUMMARY_EXAMPLE] }] })
export type CourseDetail = typeof CourseDetail.static
export const CourseList = t.Object({ items: t.Array(Course), next_cursor: t.Nullable(t.String()) }, { title: 'CourseList' })

export const CreateCourse = t.Object({
  title: Text({ minLength: 1, maxLength: 200 }),
  slug: t.Optional(Slug),
  summary: t.Optional(Text({ maxLength: 1000 })),
  description: t.Optional(Text({ maxLength: 50000 })),
  price_cents: t.Optional(t.Integer({ minimum: 0, maximum: 100_000_000 })),
  currency: t.Optional(Currency),
  level: t.Optional(Level),
  tags: t.Optional(Tags),
  cover_file_id: t.Optional(t.String({ format: 'uuid' })),
  sequential: t.Optional(t.Boolean({ default: false })),
}, { examples: [{ title: 'Spanish for Travellers', summary: 'Order food, ask the way, make friends.', price_cents: 2900, currency: 'usd', level: 'beginner', tags: ['languages'] }] })
export type CreateCourse = typeof CreateCourse.static

export const UpdateCourse = t.Object({
  title: t.Optional(Text({ minLength: 1, maxLength: 200 })),
  slug: t.Optional(Slug),
  summary: t.Optional(t.Nullable(Text({ maxLength: 1000 }))),
  description: t.Optional(t.Nullable(Text({ maxLength: 50000 }))),
  price_cents: t.Optional(t.Integer({ minimum: 0, maximum: 100_000_000 })),
  currency: t.Optional(Currency),
  level: t.Optional(t.Nullable(Level)),
  tags: t.Optional(Tags),
  cover_file_id: t.Optional(t.Nullable(t.String({ format: 'uuid' }))),
  sequential: t.Optional(t.Boolean()),
}, { examples: [{ summary: 'Order food, ask the way and make friends in four weeks.', price_cents: 3900 }] })
export type UpdateCourse = typeof UpdateCourse.static

export const CatalogQuery = t.Object({
  search: t.Optional(Text({ maxLength: 200 })),
  tag: t.Optional(Text({ maxLength: 40 })),
  level: t.Optional(Level),
  instructor_id: t.Optional(t.String({ format: 'uuid' })),
  free: t.Optional(t.Boolean({ description: 'true: only free courses; false: only paid ones' })),
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: t.Optional(t.String()),
})
export type CatalogQuery = typeof CatalogQuery.static
