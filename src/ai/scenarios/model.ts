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
const SCENARIO_FIELDS_EXAMPLE = { title: 'The unhappy customer', description: 'Calm a customer whose order arrived late.', persona: { name: 'Morgan', role: 'Customer', personality: 'Impatient but fair', goals: ['Get a refund or a discount'] }, objectives: ['Acknowledge the problem', 'Offer a concrete fix'], difficulty: 'beginner', xp_reward: 50 }
export const CreateScenario = t.Object(fields, { examples: [SCENARIO_FIELDS_EXAMPLE] })
export const PatchScenario = t.Partial(t.Object(fields), { examples: [{ difficulty: 'intermediate', xp_reward: 80 }] })
export const Scenario = t.Object(
  { id: t.String({ format: 'uuid' }), author_id: t.String({ format: 'uuid' }), ...fields, created_at: t.Date(), updated_at: t.Date() },
  { title: 'Scenario', examples: [{ id: '29e92cd3-5b34-47ac-8249-d34556677889', author_id: '1c8d7b63-4a2f-4c9b-8d3e-6f7a8b9c0d1e', ...SCENARIO_FIELDS_EXAMPLE, created_at: '2026-01-15T09:30:00.000Z', updated_at: '2026-01-15T09:30:00.000Z' }] },
)
export const ScenarioList = t.Object({ items: t.Array(Scenario), next_cursor: t.Nullable(t.String()) })
export const ScenarioQuery = t.Object({
  difficulty: t.Optional(Difficulty),
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: t.Optional(t.String()),
})
export const IdParams = t.Object({ id: t.String({ format: 'uuid' }) })
