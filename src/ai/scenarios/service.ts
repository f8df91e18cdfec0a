import type { Deps } from '../../platform/deps'
import type { AuthContext } from '../../platform/http/auth'
import { aiErrors } from '../errors'
import { decodeKeyset, keysetPage } from '../../platform/http/cursor'
import type { CreateScenario, PatchScenario, ScenarioQuery } from './model'
import * as q from './queries'

export async function createScenario(deps: Pick<Deps, 'sql'>, authorId: string, body: typeof CreateScenario.static) {
  return q.insertScenario(deps.sql, authorId, body)
}

/** The author (or an admin) edits; anyone else gets 403, an unknown id 404. */
export async function patchScenario(deps: Pick<Deps, 'sql'>, auth: AuthContext, id: string, body: typeof PatchScenario.static) {
  const existing = await q.findScenario(deps.sql, id)
  if (!existing) throw aiErrors.scenarioNotFound()
  if (existing.author_id !== auth.userId && auth.role !== 'admin') throw aiErrors.notAuthor()
  return (await q.updateScenario(deps.sql, id, body))!
}

export async function getScenario(deps: Pick<Deps, 'sql'>, id: string) {
  const row = await q.findScenario(deps.sql, id)
  if (!row) throw aiErrors.scenarioNotFound()
  return row
}

export async function listScenarioPage(deps: Pick<Deps, 'sql'>, query: typeof ScenarioQuery.static) {
  const limit = query.limit ?? 20
  const rows = await q.listScenarios(deps.sql, { difficulty: query.difficulty, limit, after: decodeKeyset(query.cursor) })
  return keysetPage(rows, limit, (r) => ({ at: r.created_at, id: r.id }))
}
