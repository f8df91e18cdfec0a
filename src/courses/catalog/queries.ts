import type { Tx } from '../../platform/db'
import type { Keyset } from '../../platform/http/cursor'
import type { CatalogQuery, CreateCourse, UpdateCourse } from './model'

export type CourseRow = {
  id: string; slug: string; title: string; summary: string | null; description: string | null
  status: 'draft' | 'published' | 'archived'; price_cents: number; currency: string; level: 'beginner' | 'intermediate' | 'advanced' | null
  tags: string[]; cover_file_id: string | null; instructor_id: string; instructor_name: string; instructor_avatar_file_id: string | null
  lessons_count: number; sequential: boolean; created_at: Date; updated_at: Date; published_at: Date | null; archived_at: Date | null
}

const selectCourse = (sql: Tx) => sql`
  select c.id, c.slug::text as slug, c.title, c.summary, c.description, c.status, c.price_cents, c.currency, c.level, c.tags,
    c.cover_file_id, c.instructor_id, u.display_name as instructor_name, u.avatar_file_id as instructor_avatar_file_id,
    (select count(*)::int from lessons l where l.course_id = c.id) as lessons_count,
    c.sequential, c.created_at, c.updated_at, c.published_at, c.archived_at
  from courses c join users u on u.id = c.instructor_id`

export async function findCourseById(sql: Tx, id: string): Promise<CourseRow | null> {
  const [row] = await sql<CourseRow[]>`${selectCourse(sql)} where c.id = ${id}`
  return row ?? null
}

export async function findCourseBySlug(sql: Tx, slug: string): Promise<CourseRow | null> {
  const [row] = await sql<CourseRow[]>`${selectCourse(sql)} where c.slug = ${slug}`
  return row ?? null
}

/** Locks a course row (serialises lesson edits and state changes of one course). */
export async function lockCourse(sql: Tx, id: string): Promise<{ id: string; instructor_id: string; status: CourseRow['status']; price_cents: number; currency: string } | null> {
  const [row] = await sql<{ id: string; instructor_id: string; status: CourseRow['status']; price_cents: number; currency: string }[]>`
    select id, instructor_id, status, price_cents, currency from courses where id = ${id} for update`
  return row ?? null
}

/** Existing slugs equal to `base` or `base-N`, to pick the next free suffix. */
export async function findSlugsLike(sql: Tx, base: string): Promise<string[]> {
  const rows = await sql<{ slug: string }[]>`select slug::text as slug from courses where slug = ${base} or slug::text ~ ${`^${base}-[0-9]+$`}`
  return rows.map((r) => r.slug)
}

export async function insertCourse(sql: Tx, instructorId: string, slug: string, b: CreateCourse): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into courses (instructor_id, slug, title, summary, description, price_cents, currency, level, tags, cover_file_id, sequential)
    values (${instructorId}, ${slug}, ${b.title}, ${b.summary ?? null}, ${b.description ?? null}, ${b.price_cents ?? 0},
      ${(b.currency ?? 'usd').toLowerCase()}, ${b.level ?? null}, ${b.tags ?? []}, ${b.cover_file_id ?? null}, ${b.sequential ?? false})
    returning id`
  return row!.id
}

export async function updateCourse(sql: Tx, id: string, patch: UpdateCourse): Promise<void> {
  const fields = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))
  if (typeof fields.currency === 'string') fields.currency = fields.currency.toLowerCase()
  if (Object.keys(fields).length === 0) return
  await sql`update courses set ${sql(fields as Record<string, string>)}, updated_at = now() where id = ${id}`
}

export async function setCourseStatus(sql: Tx, id: string, status: 'published' | 'archived'): Promise<void> {
  await sql`update courses set status = ${status}, updated_at = now(),
    published_at = case when ${status} = 'published' then date_trunc('milliseconds', now()) else published_at end,
    archived_at = case when ${status} = 'archived' then now() else null end
    where id = ${id}`
}

/** Published courses matching the filters, newest first, after the `(published_at, id)` cursor. */
export async function listPublishedCourses(sql: Tx, q: CatalogQuery, limit: number, after: Keyset | null): Promise<CourseRow[]> {
  const like = q.search ? `%${q.search.replace(/[\\%_]/g, (m) => `\\${m}`)}%` : null
  return sql<CourseRow[]>`${selectCourse(sql)}
    where c.status = 'published'
      ${like ? sql`and (c.title ilike ${like} or c.summary ilike ${like})` : sql``}
      ${q.tag ? sql`and ${q.tag} = any(c.tags)` : sql``}
      ${q.level ? sql`and c.level = ${q.level}` : sql``}
      ${q.instructor_id ? sql`and c.instructor_id = ${q.instructor_id}` : sql``}
      ${q.free === true ? sql`and c.price_cents = 0` : q.free === false ? sql`and c.price_cents > 0` : sql``}
      ${after ? sql`and (c.published_at, c.id) < (${after.at}::timestamptz, ${after.id}::uuid)` : sql``}
    order by c.published_at desc, c.id desc limit ${limit}`
}

/** The id of the course with this slug (any status), for routes that accept a slug as `:id`. */
export async function findCourseIdBySlug(sql: Tx, slug: string): Promise<string | null> {
  const [row] = await sql<{ id: string }[]>`select id from courses where slug = ${slug}`
  return row?.id ?? null
}
