import type { Deps } from '../../platform/deps'
import type { AuthContext } from '../../platform/http/auth'
import { toPublicUser } from '../../accounts/public'
import { courseForWrite } from '../catalog/service'
import { decodeKeyset, keysetPage } from '../../platform/http/cursor'
import { iso } from '../shared/format'
import * as q from './queries'

/** The roster of a course with progress (owner or admin), newest enrollments first. */
export async function courseStudents(deps: Pick<Deps, 'sql'>, courseId: string, auth: AuthContext, query: { status?: string; limit?: number; cursor?: string }) {
  const course = await courseForWrite(deps, courseId, auth)
  const limit = query.limit ?? 20
  const rows = await q.listStudents(deps.sql, course.id, query.status, limit + 1, decodeKeyset(query.cursor))
  const items = rows.map((r) => ({
    enrollment_id: r.id, user: toPublicUser({ id: r.user_id, display_name: r.display_name, avatar_file_id: r.avatar_file_id }),
    status: r.status, progress_percentage: r.progress_percentage, completed_lessons_count: r.completed_lessons_count, total_lessons: r.total_lessons,
    enrolled_at: iso(r.enrolled_at)!, completed_at: iso(r.completed_at), certificate_issued_at: iso(r.certificate_issued_at),
  }))
  return keysetPage(items, limit, (s) => ({ at: s.enrolled_at, id: s.enrollment_id }))
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits

/** Enrollment counts, completion rate, mean progress, mean quiz score and per-lesson completions. */
export async function courseStats(deps: Pick<Deps, 'sql'>, courseId: string, auth: AuthContext) {
  const course = await courseForWrite(deps, courseId, auth)
  const [counts, quiz, lessons] = await Promise.all([q.enrollmentCounts(deps.sql, course.id), q.quizScore(deps.sql, course.id), q.lessonCompletions(deps.sql, course.id)])
  const live = counts.active + counts.completed
  return {
    course_id: course.id, enrollments: live, active: counts.active, completed: counts.completed, revoked: counts.revoked,
    completion_rate: live ? round(counts.completed / live, 4) : 0, average_progress: round(counts.average_progress),
    average_quiz_score: quiz.average === null ? null : round(quiz.average), graded_quiz_results: quiz.n, lessons,
  }
}
