import { Elysia, t } from 'elysia'
import type { Deps } from '../../platform/deps'
import { authGuard } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import { courseRef } from '../shared/course-ref'
import { idOrSlugParams } from '../../platform/http/slug-params'
import { Progress, PutProgress } from '../progress/model'
import { completeLesson, putProgress } from '../progress/service'
import { Enrollment, EnrollmentDetail, EnrollmentList, ListQuery } from './model'
import { enroll, getEnrollment, listMyEnrollments } from './service'

const IdParams = t.Object({ id: t.String({ format: 'uuid' }) })
const CourseRefParams = idOrSlugParams('course')

export function enrollmentRoutes(deps: Deps) {
  const courseSlug = courseRef(deps)
  return new Elysia({ tags: ['courses'] })
    .use(authGuard(deps))
    .post('/courses/:id/enroll', async ({ auth, params, set }) => {
      set.status = 201
      return enroll(deps, params.id, auth)
    }, {
      auth: true,
      params: CourseRefParams,
      transform: courseSlug,
      detail: { summary: 'Enroll in a published free course. 402 payment_required for a paid course not purchased (a purchase enrolls automatically), 409 already_enrolled' },
      response: { 201: Enrollment, ...errorResponses(401, 402, 404, 409, 422) },
    })
    .get('/me/enrollments', ({ auth, query }) => listMyEnrollments(deps, auth, query), {
      auth: true,
      query: ListQuery,
      detail: { summary: "The caller's enrollments with progress, newest first" },
      response: { 200: EnrollmentList, ...errorResponses(401, 422) },
    })
    .get('/enrollments/:id', ({ auth, params }) => getEnrollment(deps, params.id, auth), {
      auth: true,
      params: IdParams,
      detail: { summary: "One of the caller's enrollments with per-lesson progress (another user's → 404)" },
      response: { 200: EnrollmentDetail, ...errorResponses(401, 404, 422) },
    })
    .put('/lessons/:id/progress', ({ auth, params, body }) => putProgress(deps, params.id, auth, body), {
      auth: true,
      params: IdParams,
      body: PutProgress,
      detail: { summary: 'Record progress: not_started → in_progress → completed (at 100, once any quiz is passed); never downgraded, percent never decreases' },
      response: { 200: Progress, ...errorResponses(401, 402, 403, 404, 422) },
    })
    .post('/lessons/:id/complete', ({ auth, params }) => completeLesson(deps, params.id, auth), {
      auth: true,
      params: IdParams,
      detail: { summary: 'Mark a lesson completed; 409 quiz_required while its quiz is not passed' },
      response: { 200: Progress, ...errorResponses(401, 402, 403, 404, 409, 422) },
    })
}
