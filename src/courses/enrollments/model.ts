import { t } from 'elysia'
import { Progress } from '../progress/model'

const DateTime = t.String({ format: 'date-time' })
export const EnrollmentStatus = t.Union([t.Literal('active'), t.Literal('completed'), t.Literal('revoked')])

const ENROLLMENT_EXAMPLE = {
  id: '5ac1bf07-8e6d-4adf-8b7c-0d1e2f3a4b5c', course_id: '2d9e8c74-5b3a-4dac-9e4f-7a8b9c0d1e2f', course_title: 'Introduction to Lyceum', course_slug: 'intro-to-lyceum',
  user_id: '0b7c6a52-3f1e-4b8a-9c2d-5e6f7a8b9c0d', status: 'active', progress_percentage: 50, completed_lessons_count: 1, total_lessons: 2,
  enrolled_at: '2026-01-15T10:00:00.000Z', completed_at: null, certificate_issued_at: null,
}

export const Enrollment = t.Object({
  id: t.String({ format: 'uuid' }),
  course_id: t.String({ format: 'uuid' }),
  course_title: t.String(),
  course_slug: t.String(),
  user_id: t.String({ format: 'uuid' }),
  status: EnrollmentStatus,
  progress_percentage: t.Integer({ minimum: 0, maximum: 100 }),
  completed_lessons_count: t.Integer(),
  total_lessons: t.Integer(),
  enrolled_at: DateTime,
  completed_at: t.Nullable(DateTime),
  certificate_issued_at: t.Nullable(DateTime),
}, { title: 'Enrollment', examples: [ENROLLMENT_EXAMPLE] })
export type Enrollment = typeof Enrollment.static

export const EnrollmentDetail = t.Composite([Enrollment, t.Object({ lessons: t.Array(Progress, { description: 'Progress of each lesson with activity' }) })], { title: 'EnrollmentDetail', examples: [{ ...ENROLLMENT_EXAMPLE, lessons: [{ lesson_id: '3eaf9d85-6c4b-4ebd-8f5a-8b9c0d1e2f3a', status: 'completed', progress_percent: 100, position_seconds: 300, completed_at: '2026-01-15T10:06:00.000Z' }] }] })
export const EnrollmentList = t.Object({ items: t.Array(Enrollment), next_cursor: t.Nullable(t.String()) }, { title: 'EnrollmentList' })
export const ListQuery = t.Object({
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: t.Optional(t.String()),
})
