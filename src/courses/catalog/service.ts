import type { Deps } from '../../platform/deps'
import type { AuthContext } from '../../platform/http/auth'
import { httpErrors } from '../../platform/http/errors'
import { isUniqueViolation } from '../../platform/db'
import { writeEvent } from '../../platform/outbox'
import { fileContentUrl, toPublicUser } from '../../accounts/public'
import { assertUsableFile } from '../../files/public'
import { courseErrors } from '../errors'
import { decodeKeyset, keysetPage } from '../../platform/http/cursor'
import { slugify } from '../../platform/slug'
import { iso } from '../shared/format'
import { isUuid } from '../../platform/ids'
import { canManage } from '../shared/viewer'
import { findLessonSummaries } from '../lessons/queries'
import { hasLiveEnrollment } from '../shared/access'
import { withLocks } from '../shared/sequence'
import { completedLessonIds } from '../progress/queries'
import { invalidateCatalog, readCatalogCache, writeCatalogCache } from './cache'
import type { CatalogQuery, Course, CourseDetail, CreateCourse, UpdateCourse } from './model'
import * as q from './queries'

type D = Pick<Deps, 'sql' | 'redis' | 'redisSub' | 'keys' | 'log'>

export function toCourse(r: q.CourseRow): Course {
  return {
    id: r.id, slug: r.slug, title: r.title, summary: r.summary, description: r.description, status: r.status,
    price_cents: r.price_cents, currency: r.currency, level: r.level, tags: r.tags,
    cover_file_id: r.cover_file_id, cover_url: r.cover_file_id ? fileContentUrl(r.cover_file_id) : null,
    instructor: toPublicUser({ id: r.instructor_id, display_name: r.instructor_name, avatar_file_id: r.instructor_avatar_file_id }),
    lessons_count: r.lessons_count, sequential: r.sequential, created_at: iso(r.created_at)!, updated_at: iso(r.updated_at)!,
    published_at: iso(r.published_at), archived_at: iso(r.archived_at),
  }
}

async function nextFreeSlug(deps: D, base: string): Promise<string> {
  const taken = new Set(await q.findSlugsLike(deps.sql, base))
  if (!taken.has(base)) return base
  let n = 2
  while (taken.has(`${base}-${n}`)) n++
  return `${base}-${n}`
}

function assertSlugShape(slug: string) {
  if (isUuid(slug)) throw httpErrors.validation([{ field: 'slug', message: 'A slug cannot look like a UUID' }])
}

/** Creates a draft course; a generated slug gets a numeric suffix when taken, a given one → 409. */
export async function createCourse(deps: D, auth: AuthContext, body: CreateCourse): Promise<Course> {
  if (body.slug) assertSlugShape(body.slug)
  if (body.cover_file_id) await assertUsableFile(deps.sql, { fileId: body.cover_file_id, ownerId: auth.userId, purpose: 'course_cover' })
  for (let i = 0; ; i++) {
    const slug = body.slug ?? (await nextFreeSlug(deps, slugify(body.title, { maxLength: 80, fallback: 'course' })))
    try {
      const id = await q.insertCourse(deps.sql, auth.userId, slug, body)
      await invalidateCatalog(deps)
      return toCourse((await q.findCourseById(deps.sql, id))!)
    } catch (err) {
      if (!isUniqueViolation(err, 'courses_slug_key')) throw err
      if (body.slug) throw courseErrors.slugTaken()
      if (i >= 5) throw err // a generated slug lost races repeatedly
    }
  }
}

/** Published catalog page; first pages are served from the Redis cache as ready-made JSON bytes. */
export async function listCatalog(deps: D, query: CatalogQuery): Promise<string> {
  const limit = query.limit ?? 20
  const page = async () => {
    const rows = await q.listPublishedCourses(deps.sql, query, limit + 1, decodeKeyset(query.cursor))
    return JSON.stringify(keysetPage(rows.map(toCourse), limit, (c) => ({ at: c.published_at!, id: c.id })))
  }
  // SPEC §12: anonymous requests must not create cache entries without a bound, so only pages
  // whose query takes few values are cached (first pages by level / free / limit); a cursor,
  // a search text, a tag or an instructor goes to the database.
  if (query.cursor !== undefined || query.search !== undefined || query.tag !== undefined || query.instructor_id !== undefined) return page()
  const canonical = JSON.stringify(Object.entries(query).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)))
  const cached = await readCatalogCache(deps, canonical)
  if (cached.hit) return cached.hit
  const body = await page()
  await writeCatalogCache(deps, cached, canonical, body)
  return body
}

/** A course by id or slug with its lessons; non-published ones only for owner, admin or enrolled learners. */
export async function getCourse(deps: D, idOrSlug: string, viewer: AuthContext | null): Promise<CourseDetail> {
  const row = isUuid(idOrSlug) ? await q.findCourseById(deps.sql, idOrSlug)
    : /^[a-z0-9-]+$/i.test(idOrSlug) ? await q.findCourseBySlug(deps.sql, idOrSlug.toLowerCase()) : null
  if (!row) throw httpErrors.notFound('Course not found')
  if (row.status !== 'published' && !canManage(row, viewer) && !(viewer && (await hasLiveEnrollment(deps.sql, viewer.userId, row.id)))) {
    throw httpErrors.notFound('Course not found')
  }
  const lessons = await findLessonSummaries(deps.sql, row.id)
  if (!viewer || canManage(row, viewer) || !(await hasLiveEnrollment(deps.sql, viewer.userId, row.id))) return { ...toCourse(row), lessons }
  return { ...toCourse(row), lessons: withLocks(lessons, row.sequential, new Set(await completedLessonIds(deps.sql, viewer.userId, row.id))) }
}

/** Loads a course for a write by its owner or an admin: invisible → 404, visible but not theirs → 403. */
export async function courseForWrite(deps: Pick<D, 'sql'>, id: string, auth: AuthContext): Promise<q.CourseRow> {
  const row = await q.findCourseById(deps.sql, id)
  if (!row) throw httpErrors.notFound('Course not found')
  if (!canManage(row, auth)) throw row.status === 'published' ? httpErrors.forbidden() : httpErrors.notFound('Course not found')
  return row
}

export async function patchCourse(deps: D, id: string, auth: AuthContext, patch: UpdateCourse): Promise<CourseDetail> {
  const course = await courseForWrite(deps, id, auth)
  if (patch.slug) assertSlugShape(patch.slug)
  if (patch.cover_file_id) await assertUsableFile(deps.sql, { fileId: patch.cover_file_id, ownerId: auth.userId, purpose: 'course_cover' })
  try {
    await deps.sql.begin(async (tx) => {
      const locked = (await q.lockCourse(tx, course.id))!
      await q.updateCourse(tx, course.id, patch)
      const priceChanged = (patch.price_cents !== undefined && patch.price_cents !== locked.price_cents) || (patch.currency !== undefined && patch.currency.toLowerCase() !== locked.currency)
      if (priceChanged && locked.status === 'published') await writeEvent(tx, 'course.price_changed', { course_id: course.id })
    })
  } catch (err) {
    if (isUniqueViolation(err, 'courses_slug_key')) throw courseErrors.slugTaken()
    throw err
  }
  await invalidateCatalog(deps)
  return getCourse(deps, course.id, auth)
}

/** draft|archived → published (needs a lesson); draft|published → archived. */
export async function changeStatus(deps: D, id: string, auth: AuthContext, to: 'published' | 'archived'): Promise<CourseDetail> {
  const course = await courseForWrite(deps, id, auth)
  await deps.sql.begin(async (tx) => {
    const locked = (await q.lockCourse(tx, course.id))!
    if (locked.status === to) throw courseErrors.invalidTransition(locked.status, to)
    if (to === 'published') {
      const [row] = await tx<{ n: number }[]>`select count(*)::int as n from lessons where course_id = ${course.id}`
      if (!row || row.n === 0) throw courseErrors.noLessons()
    }
    await q.setCourseStatus(tx, course.id, to)
    if (to === 'published') await writeEvent(tx, 'course.published', { course_id: course.id })
    else await writeEvent(tx, 'course.archived', { course_id: course.id })
  })
  await invalidateCatalog(deps)
  return getCourse(deps, course.id, auth)
}
