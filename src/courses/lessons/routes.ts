import { Elysia, t } from 'elysia'
import type { Deps } from '../../platform/deps'
import { authGuard } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import { courseRef } from '../shared/course-ref'
import { idOrSlugParams } from '../../platform/http/slug-params'
import { viewerOf } from '../shared/viewer'
import { CourseDetail } from '../catalog/model'
import { CreateLesson, Lesson, LessonDetail, ReorderLessons, UpdateLesson } from './model'
import { createLesson, getLesson, patchLesson, removeLesson, reorderLessons } from './service'

const IdParams = t.Object({ id: t.String({ format: 'uuid' }) })
const CourseRefParams = idOrSlugParams('course')

export function lessonRoutes(deps: Deps) {
  const courseSlug = courseRef(deps)
  return new Elysia({ tags: ['courses'] })
    .use(authGuard(deps))
    .post('/courses/:id/lessons', async ({ auth, params, body, set }) => {
      set.status = 201
      return createLesson(deps, params.id, auth, body)
    }, {
      auth: true,
      params: CourseRefParams,
      transform: courseSlug,
      body: CreateLesson,
      detail: { summary: 'Add a lesson (owner or admin); at `position` the others shift down, default last' },
      response: { 201: Lesson, ...errorResponses(401, 403, 404, 422) },
    })
    .post('/courses/:id/lessons/reorder', ({ auth, params, body }) => reorderLessons(deps, params.id, auth, body.lesson_ids), {
      auth: true,
      params: CourseRefParams,
      transform: courseSlug,
      body: ReorderLessons,
      detail: { summary: 'Set the order of all lessons (owner or admin); `lesson_ids` lists each lesson once' },
      response: { 200: CourseDetail, ...errorResponses(401, 403, 404, 422) },
    })
    .get('/lessons/:id', async ({ params, headers }) => getLesson(deps, params.id, await viewerOf(deps, headers)), {
      params: IdParams,
      detail: {
        summary: 'Lesson content and its quiz (questions without answers, except for the owner). Needs an enrollment unless preview or owner: 402 payment_required for a paid course, else 403 not_enrolled',
        security: [{}, { bearerAuth: [] }],
      },
      response: { 200: LessonDetail, ...errorResponses(401, 402, 403, 404, 422) },
    })
    .patch('/lessons/:id', ({ auth, params, body }) => patchLesson(deps, params.id, auth, body), {
      auth: true,
      params: IdParams,
      body: UpdateLesson,
      detail: { summary: 'Edit a lesson (owner or admin); `position` moves it' },
      response: { 200: Lesson, ...errorResponses(401, 403, 404, 422) },
    })
    .delete('/lessons/:id', async ({ auth, params, set }) => {
      await removeLesson(deps, params.id, auth)
      set.status = 204
    }, {
      auth: true,
      params: IdParams,
      detail: { summary: 'Delete a lesson (owner or admin); the others are renumbered' },
      response: { 204: t.Void(), ...errorResponses(401, 403, 404, 422) },
    })
}
