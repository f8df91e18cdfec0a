import { Elysia } from 'elysia'
import type { Deps } from '../../platform/deps'
import { authGuard } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import { countUsersByRole } from '../../accounts/public'
import { enrollmentStatsByDay } from '../../courses/public'
import { revenueByCurrencyAndDay } from '../../commerce/public'
import { AdminStats } from './model'

/** GET /admin/stats: users, enrollments, completions and revenue per currency and day. */
export function statsRoutes(deps: Pick<Deps, 'sql' | 'config' | 'redis' | 'keys'>) {
  return new Elysia({ prefix: '/admin/stats', tags: ['admin'] })
    .use(authGuard(deps))
    .get(
      '',
      async () => {
        const [users, learning, revenue] = await Promise.all([
          countUsersByRole(deps.sql),
          enrollmentStatsByDay(deps.sql),
          revenueByCurrencyAndDay(deps.sql),
        ])
        return { users, enrollments: learning.enrollments, completions: learning.completions, revenue }
      },
      {
        auth: 'admin',
        detail: { summary: 'Platform statistics: users by role, enrollments and completions per day, revenue per currency and day' },
        response: { 200: AdminStats, ...errorResponses(401, 403) },
      },
    )
}
