import { t } from 'elysia'

export const SessionMessage = t.Object(
  { id: t.String({ format: 'uuid' }), role: t.Union([t.Literal('persona'), t.Literal('learner')]), body: t.String(), created_at: t.Date() },
  { title: 'ScenarioMessage' },
)
export const ResolveResult = t.Object(
  {
    score: t.Integer({ minimum: 0, maximum: 100 }),
    objectives: t.Array(t.Object({ objective: t.String(), met: t.Boolean(), comment: t.String() })),
    feedback: t.String(),
    xp_awarded: t.Integer({ description: 'xp_reward × score / 100, once per scenario, within the daily cap; 0 for the author' }),
    achievements_unlocked: t.Array(
      t.Object({ key: t.String(), title: t.String(), description: t.String(), unlocked_at: t.String({ format: 'date-time' }) }),
    ),
  },
  { title: 'ScenarioResult' },
)
export const Session = t.Object(
  {
    id: t.String({ format: 'uuid' }),
    scenario_id: t.String({ format: 'uuid' }),
    status: t.Union([t.Literal('active'), t.Literal('resolved')]),
    messages: t.Array(SessionMessage),
    result: t.Nullable(ResolveResult),
    created_at: t.Date(),
    resolved_at: t.Nullable(t.Date()),
  },
  { title: 'ScenarioSession' },
)
export const SendBody = t.Object({ body: t.String({ minLength: 1, maxLength: 4000 }) })
export const Exchange = t.Object({ user_message: SessionMessage, persona_message: SessionMessage }, { title: 'ScenarioExchange' })
export const IdParams = t.Object({ id: t.String({ format: 'uuid' }) })
