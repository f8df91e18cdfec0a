import type { Deps } from '../../platform/deps'
import type { AuthContext } from '../../platform/http/auth'
import { httpErrors } from '../../platform/http/errors'
import type { Tx } from '../../platform/db'
import { iso } from '../shared/format'
import { canManage } from '../shared/viewer'
import { assertLessonReadable } from '../shared/access'
import { assertUnlocked } from '../shared/sequence'
import { invalidateCatalog } from '../catalog/cache'
import { courseForWrite, getCourse } from '../catalog/service'
import { lockCourse } from '../catalog/queries'
import { recomputeAndAnnounce } from '../enrollments/recompute'
import { findQuizView } from '../quizzes/service'
import type { CourseDetail } from '../catalog/model'
import type { CreateLesson, Lesson, LessonDetail, UpdateLesson } from './model'
import * as q from './queries'

type D = Pick<Deps, 'sql' | 'redis' | 'redisSub' | 'keys' | 'log'>

export const toLesson = (r: q.LessonRow): Lesson => ({
  id: r.id, course_id: r.course_id, title: r.title, position: r.position, duration_minutes: r.duration_minutes,
  video_url: r.video_url, is_preview: r.is_preview, content: r.content, created_at: iso(r.created_at)!, updated_at: iso(r.updated_at)!,
})

/** Moves one lesson to `position` (clamped to the course's range) and renumbers 1..n. */
async function moveLesson(tx: Tx, courseId: string, lessonId: string, position: number) {
  const ids = (await q.listLessonIds(tx, courseId)).filter((id) => id !== lessonId)
  ids.splice(Math.min(Math.max(position, 1), ids.length + 1) - 1, 0, lessonId)
  await q.renumberLessons(tx, ids)
}

/** A lesson for a write by its course's owner or an admin (hidden → 404, visible → 403). */
async function lessonForWrite(deps: Pick<D, 'sql'>, id: string, auth: AuthContext) {
  const l = await q.findLessonWithCourse(deps.sql, id)
  if (!l) throw httpErrors.notFound('Lesson not found')
  if (!canManage(l, auth)) throw l.course_status === 'published' ? httpErrors.forbidden() : httpErrors.notFound('Lesson not found')
  return l
}

export async function createLesson(deps: D, courseId: string, auth: AuthContext, body: CreateLesson): Promise<Lesson> {
  const course = await courseForWrite(deps, courseId, auth)
  const id = await deps.sql.begin(async (tx) => {
    await lockCourse(tx, course.id)
    const id = await q.insertLesson(tx, course.id, body)
    if (body.position !== undefined) await moveLesson(tx, course.id, id, body.position)
    await recomputeAndAnnounce(tx, { courseId: course.id })
    return id
  })
  await invalidateCatalog(deps)
  return toLesson((await q.findLesson(deps.sql, id))!)
}

export async function patchLesson(deps: D, id: string, auth: AuthContext, patch: UpdateLesson): Promise<Lesson> {
  const l = await lessonForWrite(deps, id, auth)
  const { position, ...fields } = patch
  await deps.sql.begin(async (tx) => {
    await lockCourse(tx, l.course_id)
    await q.updateLesson(tx, id, fields)
    if (position !== undefined) await moveLesson(tx, l.course_id, id, position)
  })
  await invalidateCatalog(deps)
  return toLesson((await q.findLesson(deps.sql, id))!)
}

export async function removeLesson(deps: D, id: string, auth: AuthContext): Promise<void> {
  const l = await lessonForWrite(deps, id, auth)
  await deps.sql.begin(async (tx) => {
    await lockCourse(tx, l.course_id)
    // Enrollments before the lesson row, the order progress writes take them in (no deadlock).
    await tx`select id from enrollments where course_id = ${l.course_id} order by id for update`
    await q.deleteLesson(tx, id)
    await q.renumberLessons(tx, await q.listLessonIds(tx, l.course_id))
    await recomputeAndAnnounce(tx, { courseId: l.course_id })
  })
  await invalidateCatalog(deps)
}

/** Sets the order of all lessons; `lesson_ids` must list each lesson of the course exactly once. */
export async function reorderLessons(deps: D, courseId: string, auth: AuthContext, lessonIds: string[]): Promise<CourseDetail> {
  const course = await courseForWrite(deps, courseId, auth)
  await deps.sql.begin(async (tx) => {
    await lockCourse(tx, course.id)
    const current = await q.listLessonIds(tx, course.id)
    const given = new Set(lessonIds)
    if (given.size !== lessonIds.length || given.size !== current.length || current.some((id) => !given.has(id))) {
      throw httpErrors.validation([{ field: 'lesson_ids', message: 'Must list every lesson of the course exactly once' }])
    }
    await q.renumberLessons(tx, lessonIds)
  })
  await invalidateCatalog(deps)
  return getCourse(deps, course.id, auth)
}

/** Lesson content and its quiz (answers only for the owner). */
export async function getLesson(deps: D, id: string, viewer: AuthContext | null): Promise<LessonDetail> {
  const l = await q.findLessonWithCourse(deps.sql, id)
  if (!l) throw httpErrors.notFound('Lesson not found')
  const access = await assertLessonReadable(deps.sql, l, viewer)
  if (access === 'enrolled') await assertUnlocked(deps.sql, viewer!.userId, l.id)
  return { ...toLesson(l), quiz: await findQuizView(deps.sql, l.id, access === 'owner') }
}
