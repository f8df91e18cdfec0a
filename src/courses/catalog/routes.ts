import { Elysia, t } from 'elysia'
import type { Deps } from '../../platform/deps'
import { authGuard } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import { courseRef } from '../shared/course-ref'
import { idOrSlugParams } from '../../platform/http/slug-params'
import { jsonText } from '../../platform/http/request-id'
import { viewerOf } from '../shared/viewer'
import { CatalogQuery, Course, CourseDetail, CourseList, CreateCourse, UpdateCourse } from './model'
import { changeStatus, createCourse, getCourse, listCatalog, patchCourse } from './service'

const IdParams = t.Object({ id: t.String({ format: 'uuid' }) })
const CourseRefParams = idOrSlugParams('course')

export function catalogRoutes(deps: Deps) {
  const courseSlug = courseRef(deps)
  return new Elysia({ prefix: '/courses', tags: ['courses'] })
    .use(authGuard(deps))
    .post('', async ({ auth, body, set }) => {
      set.status = 201
      return createCourse(deps, auth, body)
    }, {
      auth: 'instructor',
      body: CreateCourse,
      detail: { summary: 'Create a draft course (instructors and admins); the slug comes from the title unless given' },
      response: { 201: Course, ...errorResponses(401, 403, 409, 422) },
    })
    .get('', async ({ query, set }) => jsonText(set, await listCatalog(deps, query)), {
      query: CatalogQuery,
      detail: { summary: 'Published courses (cached; every course or lesson write invalidates the cache)' },
      response: { 200: CourseList, ...errorResponses(422) },
    })
    .get('/:id', async ({ params, headers }) => getCourse(deps, params.id, await viewerOf(deps, headers)), {
      params: t.Object({ id: t.String({ minLength: 1, maxLength: 100, description: 'Course id or slug' }) }),
      detail: { summary: 'A course by id or slug, with its lessons (drafts only for their owner, admins and enrolled learners)', security: [{}, { bearerAuth: [] }] },
      response: { 200: CourseDetail, ...errorResponses(401, 404) },
    })
    .patch('/:id', ({ auth, params, body }) => patchCourse(deps, params.id, auth, body), {
      auth: true,
      params: CourseRefParams,
      transform: courseSlug,
      body: UpdateCourse,
      detail: { summary: 'Edit a course (owner or admin); a price change of a published course updates its product' },
      response: { 200: CourseDetail, ...errorResponses(401, 403, 404, 409, 422) },
    })
    .post('/:id/publish', ({ auth, params }) => changeStatus(deps, params.id, auth, 'published'), {
      auth: true,
      params: CourseRefParams,
      transform: courseSlug,
      detail: { summary: 'Publish a draft or archived course (needs at least one lesson; 409 otherwise)' },
      response: { 200: CourseDetail, ...errorResponses(401, 403, 404, 409, 422) },
    })
    .post('/:id/archive', ({ auth, params }) => changeStatus(deps, params.id, auth, 'archived'), {
      auth: true,
      params: CourseRefParams,
      transform: courseSlug,
      detail: { summary: 'Archive a course (hidden from the catalog; enrolled learners keep access)' },
      response: { 200: CourseDetail, ...errorResponses(401, 403, 404, 409, 422) },
    })
}
