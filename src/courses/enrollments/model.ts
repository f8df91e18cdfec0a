import { t } from 'elysia'
import { Progress } from '../progress/model'

const DateTime = t.String({ format: 'date-time' })
export const EnrollmentStatus = t.Union([t.Literal('active'), t.Literal('completed'), t.Literal('revoked')])

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
}, { title: 'Enrollment' })
export type Enrollment = typeof Enrollment.static

export const EnrollmentDetail = t.Composite([Enrollment, t.Object({ lessons: t.Array(Progress, { description: 'Progress of each lesson with activity' }) })], { title: 'EnrollmentDetail' })
export const EnrollmentList = t.Object({ items: t.Array(Enrollment), next_cursor: t.Nullable(t.String()) }, { title: 'EnrollmentList' })
export const ListQuery = t.Object({
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: t.Optional(t.String()),
})
