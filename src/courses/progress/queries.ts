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
  p: { userId: string; lessonId: string; courseId: string; status: 'in_progress' | 'completed'; percent: number; positionSeconds?: number },
): Promise<ProgressRow> {
  const percent = p.status === 'completed' ? 100 : p.percent
  const [row] = await sql<ProgressRow[]>`
    insert into lesson_progress (user_id, lesson_id, course_id, status, progress_percent, position_seconds, completed_at)
    values (${p.userId}, ${p.lessonId}, ${p.courseId}, ${p.status}, ${percent}, ${p.positionSeconds ?? null}, ${p.status === 'completed' ? sql`now()` : null})
    on conflict (user_id, lesson_id) do update set
      status = excluded.status, progress_percent = excluded.progress_percent,
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
