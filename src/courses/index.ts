import { Elysia } from 'elysia'
import type { Deps } from '../platform/deps'
import { catalogRoutes } from './catalog/routes'
import { lessonRoutes } from './lessons/routes'
import { enrollmentRoutes } from './enrollments/routes'
import { quizRoutes } from './quizzes/routes'
import { attemptRoutes } from './attempts/routes'
import { certificateRoutes } from './certificates/routes'
import { statsRoutes } from './stats/routes'
import { regradeRoutes } from './regrades/routes'
import { accommodationRoutes } from './accommodations/routes'
import { analyticsRoutes } from './analytics/routes'

/** The courses domain: catalog, lessons, enrollment, progress, quizzes, certificates. */
export function courses(deps: Deps) {
  return new Elysia({ name: 'domain.courses' })
    .use(catalogRoutes(deps))
    .use(lessonRoutes(deps))
    .use(enrollmentRoutes(deps))
    .use(quizRoutes(deps))
    .use(attemptRoutes(deps))
    .use(certificateRoutes(deps))
    .use(statsRoutes(deps))
    .use(regradeRoutes(deps))
    .use(accommodationRoutes(deps))
    .use(analyticsRoutes(deps))
}
