import { Elysia } from 'elysia'
import type { Deps } from '../platform/deps'
import { insightRoutes } from './insights/routes'
import { mentorRoutes } from './mentor/routes'
import { scenarioRoutes } from './scenarios/routes'
import { sessionRoutes } from './sessions/routes'
import { oversightRoutes } from './oversight/routes'

/** The AI domain: the mentor chat, insights and role-play scenarios. */
export function ai(deps: Deps) {
  return new Elysia({ name: 'domain.ai' }).use(mentorRoutes(deps)).use(insightRoutes(deps)).use(scenarioRoutes(deps)).use(sessionRoutes(deps)).use(oversightRoutes(deps))
}
