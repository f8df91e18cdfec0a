import { Elysia } from 'elysia'
import type { Deps } from '../../platform/deps'
import { authGuard } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import { Progress } from './model'
import { getProgress } from './service'

export function progressRoutes(deps: Deps) {
  return new Elysia({ prefix: '/me', tags: ['ai'] })
    .use(authGuard(deps))
    .get('/progress', ({ auth }) => getProgress(deps, auth.userId), {
      auth: true,
      detail: { summary: 'My XP, level (100·n·(n+1)/2 XP for level n), next level threshold, streak and achievements' },
      response: { 200: Progress, ...errorResponses(401) },
    })
}
