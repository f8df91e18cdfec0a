import type { Tx } from '../../platform/db'

export type Persona = { name: string; role: string; personality: string; goals: string[] }
export type ScenarioRow = {
  id: string; author_id: string; title: string; description: string; persona: Persona; objectives: string[]
  difficulty: 'beginner' | 'intermediate' | 'advanced'; xp_reward: number; created_at: Date; updated_at: Date
}
const COLS = 'id, author_id, title, description, persona, objectives, difficulty, xp_reward, created_at, updated_at'

export async function findScenario(sql: Tx, id: string) {
  const [row] = await sql<ScenarioRow[]>`select ${sql.unsafe(COLS)} from scenarios where id = ${id}`
  return row ?? null
}

export async function insertScenario(sql: Tx, authorId: string, s: Omit<ScenarioRow, 'id' | 'author_id' | 'created_at' | 'updated_at'>) {
  const [row] = await sql<ScenarioRow[]>`
    insert into scenarios (author_id, title, description, persona, objectives, difficulty, xp_reward)
    values (${authorId}, ${s.title}, ${s.description}, ${sql.json(s.persona as never)}, ${sql.json(s.objectives as never)}, ${s.difficulty}, ${s.xp_reward})
    returning ${sql.unsafe(COLS)}`
  return row!
}

export async function updateScenario(sql: Tx, id: string, s: Partial<Omit<ScenarioRow, 'id' | 'author_id' | 'created_at' | 'updated_at'>>) {
  const [row] = await sql<ScenarioRow[]>`
    update scenarios set
      title = coalesce(${s.title ?? null}, title),
      description = coalesce(${s.description ?? null}, description),
      persona = coalesce(${s.persona ? sql.json(s.persona as never) : null}::jsonb, persona),
      objectives = coalesce(${s.objectives ? sql.json(s.objectives as never) : null}::jsonb, objectives),
      difficulty = coalesce(${s.difficulty ?? null}, difficulty),
      xp_reward = coalesce(${s.xp_reward ?? null}::int, xp_reward),
      updated_at = now()
    where id = ${id} returning ${sql.unsafe(COLS)}`
  return row ?? null
}

export async function listScenarios(sql: Tx, q: { difficulty?: string; limit: number; after: { at: Date; id: string } | null }) {
  return sql<ScenarioRow[]>`
    select ${sql.unsafe(COLS)} from scenarios
    where true ${q.difficulty ? sql`and difficulty = ${q.difficulty}` : sql``}
      ${q.after ? sql`and (created_at, id) < (${q.after.at}, ${q.after.id})` : sql``}
    order by created_at desc, id desc limit ${q.limit + 1}`
}
