import type { Tx } from '../../platform/db'
import type { CreateLesson, UpdateLesson } from './model'

export type LessonRow = {
  id: string; course_id: string; title: string; content: string; position: number; duration_minutes: number | null
  video_url: string | null; is_preview: boolean; created_at: Date; updated_at: Date
}
export type LessonWithCourse = LessonRow & { instructor_id: string; course_status: string; price_cents: number; course_title: string }

export async function findLessonSummaries(sql: Tx, courseId: string) {
  return sql<{ id: string; title: string; position: number; duration_minutes: number | null; is_preview: boolean }[]>`
    select id, title, position, duration_minutes, is_preview from lessons where course_id = ${courseId} order by position`
}

export async function findLessonWithCourse(sql: Tx, id: string): Promise<LessonWithCourse | null> {
  const [row] = await sql<LessonWithCourse[]>`
    select l.*, c.instructor_id, c.status as course_status, c.price_cents, c.title as course_title
    from lessons l join courses c on c.id = l.course_id where l.id = ${id}`
  return row ?? null
}

export async function findLesson(sql: Tx, id: string): Promise<LessonRow | null> {
  const [row] = await sql<LessonRow[]>`select * from lessons where id = ${id}`
  return row ?? null
}

export async function listLessonIds(sql: Tx, courseId: string): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`select id from lessons where course_id = ${courseId} order by position, created_at`
  return rows.map((r) => r.id)
}

export async function insertLesson(sql: Tx, courseId: string, b: CreateLesson): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into lessons (course_id, title, content, position, duration_minutes, video_url, is_preview)
    values (${courseId}, ${b.title}, ${b.content}, (select coalesce(max(position), 0) + 1 from lessons where course_id = ${courseId}),
      ${b.duration_minutes ?? null}, ${b.video_url ?? null}, ${b.is_preview ?? false})
    returning id`
  return row!.id
}

/** Sets positions 1..n in the given order (the unique constraint is checked at commit). */
export async function renumberLessons(sql: Tx, orderedIds: string[]): Promise<void> {
  if (orderedIds.length === 0) return
  await sql`update lessons l set position = v.pos, updated_at = now()
    from unnest(${orderedIds}::uuid[]) with ordinality as v(id, pos) where l.id = v.id and l.position <> v.pos`
}

export async function updateLesson(sql: Tx, id: string, patch: Omit<UpdateLesson, 'position'>): Promise<void> {
  const fields = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))
  if (Object.keys(fields).length === 0) return
  await sql`update lessons set ${sql(fields as Record<string, string>)}, updated_at = now() where id = ${id}`
}

export async function deleteLesson(sql: Tx, id: string): Promise<void> {
  await sql`delete from lessons where id = ${id}`
}
