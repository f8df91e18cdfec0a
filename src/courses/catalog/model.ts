import { t } from 'elysia'
import { Text } from '../shared/model'

const PublicUser = t.Object({ id: t.String({ format: 'uuid' }), display_name: t.String(), avatar_url: t.Nullable(t.String()) }, { title: 'PublicUser' })
export const Level = t.Union([t.Literal('beginner'), t.Literal('intermediate'), t.Literal('advanced')])
export const CourseStatus = t.Union([t.Literal('draft'), t.Literal('published'), t.Literal('archived')])
const DateTime = t.String({ format: 'date-time' })
const Slug = t.String({ pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$', minLength: 1, maxLength: 100, description: 'lower-case letters, digits and single hyphens' })
const Currency = t.String({ pattern: '^[A-Za-z]{3}$', description: 'ISO-4217; stored and returned in lower case' })
const Tags = t.Array(Text({ minLength: 1, maxLength: 40 }), { maxItems: 20 })

export const LessonSummary = t.Object({
  id: t.String({ format: 'uuid' }),
  title: t.String(),
  position: t.Integer(),
  duration_minutes: t.Nullable(t.Integer()),
  is_preview: t.Boolean(),
}, { title: 'LessonSummary' })

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
  created_at: DateTime,
  updated_at: DateTime,
  published_at: t.Nullable(DateTime),
  archived_at: t.Nullable(DateTime),
}, { title: 'Course' })
export type Course = typeof Course.static

export const CourseDetail = t.Composite([Course, t.Object({ lessons: t.Array(LessonSummary) })], { title: 'CourseDetail' })
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
})
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
})
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
