import type { Tx } from '../../platform/db'

export type ProgressRow = { lesson_id: string; status: 'not_started' | 'in_progress' | 'completed'; progress_percent: number; position_seconds: number | null; completed_at: Date | null }

export async function findProgress(sql: Tx, userId: string, lessonId: string): Promise<ProgressRow | null> {
  const [row] = await sql<ProgressRow[]>`
    select lesson_id, status, progress_percent, position_seconds, completed_at from lesson_progress where user_id = ${userId} and lesson_id = ${lessonId}`
  return row ?? null
}

/**
 * Records activity. The update trigger keeps status and percent monotonic, so this may be
 * called with any values: a lower status or percent never wins.
 */
export async function upsertProgress(
  sql: Tx,
  p: { userId: string; lessonId: string; courseId: string; status: 'in_progress' | 'completed'; percent: number; positionSeconds?: number; quizId?: string | null },
): Promise<ProgressRow> {
  const percent = p.status === 'completed' ? 100 : p.percent
  const [row] = await sql<ProgressRow[]>`
    insert into lesson_progress (user_id, lesson_id, course_id, status, progress_percent, position_seconds, completed_at, completed_by_quiz_id)
    values (${p.userId}, ${p.lessonId}, ${p.courseId}, ${p.status}, ${percent}, ${p.positionSeconds ?? null}, ${p.status === 'completed' ? sql`now()` : null},
      ${p.status === 'completed' ? p.quizId ?? null : null})
    on conflict (user_id, lesson_id) do update set
      status = excluded.status, progress_percent = excluded.progress_percent,
      completed_by_quiz_id = case when lesson_progress.status = 'completed' then lesson_progress.completed_by_quiz_id else excluded.completed_by_quiz_id end,
      position_seconds = coalesce(excluded.position_seconds, lesson_progress.position_seconds),
      completed_at = excluded.completed_at, updated_at = now()
    returning lesson_id, status, progress_percent, position_seconds, completed_at`
  return row!
}

/** Per-lesson progress of a learner in a course (lessons without activity are absent). */
export async function listCourseProgress(sql: Tx, userId: string, courseId: string): Promise<ProgressRow[]> {
  return sql<ProgressRow[]>`
    select lp.lesson_id, lp.status, lp.progress_percent, lp.position_seconds, lp.completed_at
    from lesson_progress lp join lessons l on l.id = lp.lesson_id
    where lp.user_id = ${userId} and l.course_id = ${courseId} order by l.position`
}

/**
 * Un-completes a lesson that the given quiz's pass had completed (a regrade turned that pass
 * into a fail): back to in progress. The never-downgrade trigger lets this one statement
 * through. Returns false when the lesson was not completed by that quiz.
 */
export async function uncompleteLesson(sql: Tx, userId: string, lessonId: string, quizId: string): Promise<boolean> {
  await sql`select set_config('lyceum.allow_progress_downgrade', 'on', true)`
  const rows = await sql`update lesson_progress set status = 'in_progress', completed_at = null, completed_by_quiz_id = null, updated_at = now()
    where user_id = ${userId} and lesson_id = ${lessonId} and status = 'completed' and completed_by_quiz_id = ${quizId} returning lesson_id`
  await sql`select set_config('lyceum.allow_progress_downgrade', 'off', true)`
  return rows.length > 0
}

/** Ids of the lessons of a course the learner has completed. */
export async function completedLessonIds(sql: Tx, userId: string, courseId: string): Promise<string[]> {
  const rows = await sql<{ lesson_id: string }[]>`
    select lesson_id from lesson_progress where user_id = ${userId} and course_id = ${courseId} and status = 'completed'`
  return rows.map((r) => r.lesson_id)
}

/**
 * In a sequential course, the lesson before this one when the learner has not completed it
 * (the lesson is then locked); null when the lesson is open (first, a preview, or the course
 * is not sequential).
 */
export async function lessonToCompleteFirst(sql: Tx, userId: string, lessonId: string): Promise<string | null> {
  const [row] = await sql<{ id: string }[]>`
    select p.id from lessons l join courses c on c.id = l.course_id
    join lateral (select id from lessons p where p.course_id = l.course_id and p.position < l.position order by p.position desc limit 1) p on true
    where l.id = ${lessonId} and c.sequential and not l.is_preview
      and not exists (select 1 from lesson_progress lp where lp.user_id = ${userId} and lp.lesson_id = p.id and lp.status = 'completed')`
  return row?.id ?? null
}
