import { t } from 'elysia'

export const Difficulty = t.Union([t.Literal('beginner'), t.Literal('intermediate'), t.Literal('advanced')])
export const Persona = t.Object(
  {
    name: t.String({ minLength: 1, maxLength: 100 }),
    role: t.String({ minLength: 1, maxLength: 200 }),
    personality: t.String({ maxLength: 2000 }),
    goals: t.Array(t.String({ minLength: 1, maxLength: 300 }), { maxItems: 10 }),
  },
  { title: 'Persona' },
)
const fields = {
  title: t.String({ minLength: 1, maxLength: 200 }),
  description: t.String({ maxLength: 4000 }),
  persona: Persona,
  objectives: t.Array(t.String({ minLength: 1, maxLength: 300 }), { minItems: 1, maxItems: 10 }),
  difficulty: Difficulty,
  xp_reward: t.Integer({ minimum: 0, maximum: 500, description: 'XP for a perfect score; a resolve earns xp_reward × score / 100' }),
}
export const CreateScenario = t.Object(fields)
export const PatchScenario = t.Partial(t.Object(fields))
export const Scenario = t.Object(
  { id: t.String({ format: 'uuid' }), author_id: t.String({ format: 'uuid' }), ...fields, created_at: t.Date(), updated_at: t.Date() },
  { title: 'Scenario' },
)
export const ScenarioList = t.Object({ items: t.Array(Scenario), next_cursor: t.Nullable(t.String()) })
export const ScenarioQuery = t.Object({
  difficulty: t.Optional(Difficulty),
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: t.Optional(t.String()),
})
export const IdParams = t.Object({ id: t.String({ format: 'uuid' }) })
