import { Elysia, t } from 'elysia'
import type { Deps } from '../../platform/deps'
import { authGuard } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import { courseRef } from '../shared/course-ref'
import { idOrSlugParams } from '../../platform/http/slug-params'
import { CourseStats, StudentList, StudentsQuery } from './model'
import { courseStats, courseStudents } from './service'

const IdParams = t.Object({ id: t.String({ format: 'uuid' }) })
const CourseRefParams = idOrSlugParams('course')

export function statsRoutes(deps: Deps) {
  const courseSlug = courseRef(deps)
  return new Elysia({ tags: ['courses'] })
    .use(authGuard(deps))
    .get('/courses/:id/students', ({ auth, params, query }) => courseStudents(deps, params.id, auth, query), {
      auth: true,
      params: CourseRefParams,
      transform: courseSlug,
      query: StudentsQuery,
      detail: { summary: 'The roster of a course with progress (owner or admin)' },
      response: { 200: StudentList, ...errorResponses(401, 403, 404, 422) },
    })
    .get('/courses/:id/stats', ({ auth, params }) => courseStats(deps, params.id, auth), {
      auth: true,
      params: CourseRefParams,
      transform: courseSlug,
      detail: { summary: 'Enrollments, completion rate, average progress and average quiz score (owner or admin)' },
      response: { 200: CourseStats, ...errorResponses(401, 403, 404, 422) },
    })
}
