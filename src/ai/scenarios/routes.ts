import { Elysia } from 'elysia'
import type { Deps } from '../../platform/deps'
import { authGuard } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import { CreateScenario, IdParams, PatchScenario, Scenario, ScenarioList, ScenarioQuery } from './model'
import { createScenario, getScenario, listScenarioPage, patchScenario } from './service'

export function scenarioRoutes(deps: Deps) {
  return new Elysia({ prefix: '/scenarios', tags: ['ai'] })
    .use(authGuard(deps))
    .post('', async ({ auth, body, set }) => {
      set.status = 201
      return createScenario(deps, auth.userId, body)
    }, {
      auth: 'instructor',
      body: CreateScenario,
      detail: { summary: 'Create a role-play scenario (instructors)' },
      response: { 201: Scenario, ...errorResponses(401, 403, 422) },
    })
    .patch('/:id', ({ auth, params, body }) => patchScenario(deps, auth, params.id, body), {
      auth: 'instructor',
      params: IdParams,
      body: PatchScenario,
      detail: { summary: 'Edit a scenario (its author or an admin)' },
      response: { 200: Scenario, ...errorResponses(401, 403, 404, 422) },
    })
    .get('', ({ query }) => listScenarioPage(deps, query), {
      query: ScenarioQuery,
      detail: { summary: 'List scenarios, newest first (public)' },
      response: { 200: ScenarioList, ...errorResponses(422) },
    })
    .get('/:id', ({ params }) => getScenario(deps, params.id), {
      params: IdParams,
      detail: { summary: 'One scenario (public)' },
      response: { 200: Scenario, ...errorResponses(404, 422) },
    })
}
