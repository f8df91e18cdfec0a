import type { Tx } from '../../platform/db'
import type { Keyset } from '../../platform/http/cursor'

export type StudentRow = {
  id: string; user_id: string; display_name: string; avatar_file_id: string | null; status: 'active' | 'completed' | 'revoked'
  progress_percentage: number; completed_lessons_count: number; total_lessons: number; enrolled_at: Date; completed_at: Date | null; certificate_issued_at: Date | null
}

export async function listStudents(sql: Tx, courseId: string, status: string | undefined, limit: number, after: Keyset | null) {
  return sql<StudentRow[]>`
    select e.id, e.user_id, u.display_name, u.avatar_file_id, e.status, e.progress_percentage, e.completed_lessons_count, e.total_lessons,
      e.enrolled_at, e.completed_at, e.certificate_issued_at
    from enrollments e join users u on u.id = e.user_id
    where e.course_id = ${courseId} ${status ? sql`and e.status = ${status}` : sql``}
      ${after ? sql`and (e.enrolled_at, e.id) < (${after.at}::timestamptz, ${after.id}::uuid)` : sql``}
    order by e.enrolled_at desc, e.id desc limit ${limit}`
}

export async function enrollmentCounts(sql: Tx, courseId: string) {
  const [row] = await sql<{ active: number; completed: number; revoked: number; average_progress: number }[]>`
    select count(*) filter (where status = 'active')::int as active, count(*) filter (where status = 'completed')::int as completed,
      count(*) filter (where status = 'revoked')::int as revoked,
      coalesce(avg(progress_percentage) filter (where status <> 'revoked'), 0)::float8 as average_progress
    from enrollments where course_id = ${courseId}`
  return row!
}

/** Mean score of the attempt that counts per learner and quiz: the best (`highest`) or the latest (`last`). */
export async function quizScore(sql: Tx, courseId: string) {
  const [row] = await sql<{ average: number | null; n: number }[]>`
    with graded as (
      select a.percentage, row_number() over (
        partition by a.user_id, a.quiz_id
        order by case when q.grading_policy = 'highest' then a.percentage end desc nulls last, a.attempt_number desc) as rn
      from quiz_attempts a join quizzes q on q.id = a.quiz_id join lessons l on l.id = q.lesson_id
      where l.course_id = ${courseId} and a.status in ('submitted', 'expired') and a.percentage is not null
    )
    select avg(percentage)::float8 as average, count(*)::int as n from graded where rn = 1`
  return row!
}

export async function lessonCompletions(sql: Tx, courseId: string) {
  return sql<{ lesson_id: string; title: string; position: number; completed_count: number }[]>`
    select l.id as lesson_id, l.title, l.position,
      (select count(*)::int from lesson_progress lp join enrollments e on e.user_id = lp.user_id and e.course_id = l.course_id
        where lp.lesson_id = l.id and lp.status = 'completed' and e.status <> 'revoked') as completed_count
    from lessons l where l.course_id = ${courseId} order by l.position`
}
