import { t } from 'elysia'
import { EnrollmentStatus } from '../enrollments/model'

const DateTime = t.String({ format: 'date-time' })
const PublicUser = t.Object({ id: t.String({ format: 'uuid' }), display_name: t.String(), avatar_url: t.Nullable(t.String()) })

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
}, { title: 'CourseStudent' })
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
}, { title: 'CourseStats' })
