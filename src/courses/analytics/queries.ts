import type { Tx } from '../../platform/db'

/** The enrollment funnel, from the counters the enrollments triggers keep (course_stats). */
export async function enrollmentFunnel(sql: Tx, courseId: string) {
  const [row] = await sql<{ enrolled: number; started: number; completed: number }[]>`
    select coalesce(max(enrolled), 0)::int as enrolled, coalesce(max(started), 0)::int as started, coalesce(max(completed), 0)::int as completed
    from course_stats where course_id = ${courseId}`
  return row!
}

/** Per-lesson counters kept by the lesson_progress trigger (lesson_stats). */
export async function lessonCounters(sql: Tx, courseId: string) {
  return sql<{ lesson_id: string; title: string; started: number; completed: number }[]>`
    select l.id as lesson_id, l.title, coalesce(s.started, 0)::int as started, coalesce(s.completed, 0)::int as completed
    from lessons l left join lesson_stats s on s.lesson_id = l.id
    where l.course_id = ${courseId} order by l.position`
}

/** Per-question counters kept by the quiz_attempts trigger (quiz_question_stats). */
export async function questionCounters(sql: Tx, courseId: string) {
  return sql<{ quiz_id: string; question_id: string; prompt: string; attempts: number; correct: number; points: number }[]>`
    select z.id as quiz_id, qq.id as question_id, qq.prompt, coalesce(s.attempts, 0)::int as attempts,
      coalesce(s.correct, 0)::int as correct, coalesce(s.points, 0)::float8 as points
    from lessons l join quizzes z on z.lesson_id = l.id join quiz_questions qq on qq.quiz_id = z.id
    left join quiz_question_stats s on s.quiz_id = z.id and s.question_id = qq.id
    where l.course_id = ${courseId} order by l.position, qq.position`
}
