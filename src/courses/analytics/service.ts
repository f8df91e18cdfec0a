import type { Deps } from '../../platform/deps'
import type { AuthContext } from '../../platform/http/auth'
import { courseForWrite } from '../catalog/service'
import type { CourseAnalytics } from './model'
import * as q from './queries'

const round = (n: number) => Math.round(n * 10000) / 10000

/**
 * The owner's analytics of a course. Every figure comes from a counter kept by a trigger
 * (course_stats, lesson_stats, quiz_question_stats), so the cost does not grow with enrollments or attempts.
 */
export async function courseAnalytics(deps: Pick<Deps, 'sql'>, courseId: string, auth: AuthContext): Promise<CourseAnalytics> {
  const course = await courseForWrite(deps, courseId, auth)
  const [funnel, lessons, questions] = await Promise.all([
    q.enrollmentFunnel(deps.sql, course.id), q.lessonCounters(deps.sql, course.id), q.questionCounters(deps.sql, course.id),
  ])
  return {
    ...funnel,
    lessons,
    questions: questions.map((x) => ({
      quiz_id: x.quiz_id, question_id: x.question_id, prompt: x.prompt, attempts: x.attempts,
      correct_rate: x.attempts ? round(x.correct / x.attempts) : null,
      average_points: x.attempts ? round(x.points / x.attempts) : null,
    })),
  }
}
