import type { Tx } from '../../platform/db'
import type { Keyset } from '../../platform/http/cursor'

export type EnrollmentStatus = 'active' | 'completed' | 'revoked'
export type EnrollmentRow = {
  id: string
  user_id: string
  course_id: string
  course_title: string
  course_slug: string
  status: EnrollmentStatus
  progress_percentage: number
  completed_lessons_count: number
  total_lessons: number
  enrolled_at: Date
  completed_at: Date | null
  certificate_issued_at: Date | null
}

const select = (sql: Tx) => sql`
  select e.id, e.user_id, e.course_id, c.title as course_title, c.slug::text as course_slug, e.status,
    e.progress_percentage, e.completed_lessons_count, e.total_lessons, e.enrolled_at, e.completed_at, e.certificate_issued_at
  from enrollments e join courses c on c.id = e.course_id`

export async function findEnrollmentById(sql: Tx, id: string): Promise<EnrollmentRow | null> {
  const [row] = await sql<EnrollmentRow[]>`${select(sql)} where e.id = ${id}`
  return row ?? null
}

export async function findEnrollment(sql: Tx, userId: string, courseId: string): Promise<EnrollmentRow | null> {
  const [row] = await sql<EnrollmentRow[]>`${select(sql)} where e.user_id = ${userId} and e.course_id = ${courseId}`
  return row ?? null
}

/** Locks the learner's enrollment row: serialises every progress change of one learner in one course. */
export async function lockEnrollment(sql: Tx, userId: string, courseId: string): Promise<{ id: string; status: EnrollmentStatus } | null> {
  const [row] = await sql<{ id: string; status: EnrollmentStatus }[]>`
    select id, status from enrollments where user_id = ${userId} and course_id = ${courseId} for update`
  return row ?? null
}

/** A learner's enrollments, newest first, after the cursor `(enrolled_at, id)`. */
export async function listUserEnrollments(sql: Tx, userId: string, limit: number, after: Keyset | null) {
  return sql<EnrollmentRow[]>`${select(sql)}
    where e.user_id = ${userId} ${after ? sql`and (e.enrolled_at, e.id) < (${after.at}::timestamptz, ${after.id}::uuid)` : sql``}
    order by e.enrolled_at desc, e.id desc limit ${limit}`
}

/** Inserts a new active enrollment (null when one exists already). */
export async function insertEnrollment(sql: Tx, userId: string, courseId: string): Promise<{ id: string } | null> {
  const [row] = await sql<{ id: string }[]>`
    insert into enrollments (user_id, course_id, total_lessons)
    values (${userId}, ${courseId}, (select count(*)::int from lessons where course_id = ${courseId}))
    on conflict (user_id, course_id) do nothing returning id`
  return row ?? null
}

/** Re-activates a revoked enrollment (back to `completed` when it had been completed). */
export async function reactivateEnrollment(sql: Tx, userId: string, courseId: string): Promise<{ id: string } | null> {
  const [row] = await sql<{ id: string }[]>`
    update enrollments set status = case when completed_at is not null then 'completed' else 'active' end,
      revoked_at = null, updated_at = now()
    where user_id = ${userId} and course_id = ${courseId} and status = 'revoked' returning id`
  return row ?? null
}

export async function revokeEnrollment(sql: Tx, userId: string, courseId: string): Promise<{ id: string } | null> {
  const [row] = await sql<{ id: string }[]>`
    update enrollments set status = 'revoked', revoked_at = now(), updated_at = now()
    where user_id = ${userId} and course_id = ${courseId} and status <> 'revoked' returning id`
  return row ?? null
}

export type RecomputedRow = { id: string; user_id: string; course_id: string; status: EnrollmentStatus; old_status: EnrollmentStatus; certificate_issued_at: Date | null }

/**
 * Recomputes `completed_lessons_count`, `total_lessons` and `progress_percentage` of one
 * enrollment or of every live enrollment of a course, completing those with every lesson
 * done. Completed enrollments stay completed. Rows are locked by the CTE.
 */
export async function recomputeEnrollments(sql: Tx, where: { enrollmentId: string } | { courseId: string }): Promise<RecomputedRow[]> {
  const cond = 'enrollmentId' in where ? sql`e.id = ${where.enrollmentId}` : sql`e.course_id = ${where.courseId} and e.status <> 'revoked'`
  return sql<RecomputedRow[]>`
    with s as (
      select e.id, e.status as old_status,
        (select count(*)::int from lessons l where l.course_id = e.course_id) as total,
        (select count(*)::int from lesson_progress lp join lessons l on l.id = lp.lesson_id
          where lp.user_id = e.user_id and l.course_id = e.course_id and lp.status = 'completed') as done
      from enrollments e where ${cond} for update of e
    ), n as (
      select s.*, case when s.old_status = 'active' and s.total > 0 and s.done >= s.total then 'completed' else s.old_status end as new_status
      from s
    )
    update enrollments e set
      total_lessons = n.total,
      completed_lessons_count = n.done,
      progress_percentage = case when n.new_status = 'completed' then 100 when n.total = 0 then 0 else floor(100.0 * n.done / n.total)::int end,
      status = n.new_status,
      completed_at = case when n.new_status = 'completed' and e.completed_at is null then now() else e.completed_at end,
      updated_at = now()
    from n where e.id = n.id
    returning e.id, e.user_id, e.course_id, e.status, n.old_status, e.certificate_issued_at`
}

/** A completed enrollment becomes active again (a regrade un-completed one of its lessons). */
export async function reopenEnrollment(sql: Tx, id: string): Promise<boolean> {
  const rows = await sql`update enrollments set status = 'active', completed_at = null, certificate_issued_at = null, updated_at = now()
    where id = ${id} and status = 'completed' returning id`
  return rows.length > 0
}
