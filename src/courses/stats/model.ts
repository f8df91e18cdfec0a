import { t } from 'elysia'
import { EnrollmentStatus } from '../enrollments/model'

const DateTime = t.String({ format: 'date-time' })
const PublicUser = t.Object({ id: t.String({ format: 'uuid' }), display_name: t.String(), avatar_url: t.Nullable(t.String()) }, { examples: [{ id: '0b7c6a52-3f1e-4b8a-9c2d-5e6f7a8b9c0d', display_name: 'Zoë Student', avatar_url: null }] })

export const Student = t.Object({
  enrollment_id: t.String({ format: 'uuid' }),
  user: PublicUser,
  status: EnrollmentStatus,
  progress_percentage: t.Integer(),
  completed_lessons_count: t.Integer(),
  total_lessons: t.Integer(),
  enrolled_at: DateTime,
  completed_at: t.Nullable(DateTime),
  certificate_issued_at: t.Nullable(DateTime),
}, { title: 'CourseStudent', examples: [{ enrollment_id: '5ac1bf07-8e6d-4adf-8b7c-0d1e2f3a4b5c', user: { id: '0b7c6a52-3f1e-4b8a-9c2d-5e6f7a8b9c0d', display_name: 'Zoë Student', avatar_url: null }, status: 'active', progress_percentage: 50, completed_lessons_count: 1, total_lessons: 2, enrolled_at: '2026-01-15T10:00:00.000Z', completed_at: null, certificate_issued_at: null }] })
export const StudentList = t.Object({ items: t.Array(Student), next_cursor: t.Nullable(t.String()) }, { title: 'CourseStudentList' })
export const StudentsQuery = t.Object({
  status: t.Optional(EnrollmentStatus),
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: t.Optional(t.String()),
})

export const CourseStats = t.Object({
  course_id: t.String({ format: 'uuid' }),
  enrollments: t.Integer({ description: 'Live enrollments (active + completed)' }),
  active: t.Integer(),
  completed: t.Integer(),
  revoked: t.Integer(),
  completion_rate: t.Number({ description: 'completed / live enrollments, 0–1' }),
  average_progress: t.Number({ description: 'Mean progress_percentage of live enrollments' }),
  average_quiz_score: t.Nullable(t.Number({ description: 'Mean percentage of the attempt that counts (grading policy) per learner and quiz' })),
  graded_quiz_results: t.Integer(),
  lessons: t.Array(t.Object({ lesson_id: t.String({ format: 'uuid' }), title: t.String(), position: t.Integer(), completed_count: t.Integer() })),
}, { title: 'CourseStats', examples: [{ course_id: '2d9e8c74-5b3a-4dac-9e4f-7a8b9c0d1e2f', enrollments: 12, active: 9, completed: 3, revoked: 0, completion_rate: 0.25, average_progress: 46.5, average_quiz_score: 81.2, graded_quiz_results: 10, lessons: [{ lesson_id: '3eaf9d85-6c4b-4ebd-8f5a-8b9c0d1e2f3a', title: 'Welcome', position: 1, completed_count: 11 }] }] })
