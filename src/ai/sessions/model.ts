import { t } from 'elysia'

export const SessionMessage = t.Object(
  { id: t.String({ format: 'uuid' }), role: t.Union([t.Literal('persona'), t.Literal('learner')]), body: t.String(), created_at: t.Date() },
  { title: 'ScenarioMessage', examples: [{ id: '3afa3de4-6c45-48bd-935a-e4566778899a', role: 'persona', body: 'My order is a week late. What are you going to do about it?', created_at: '2026-01-15T14:00:00.000Z' }] },
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
  { title: 'ScenarioResult', examples: [{ score: 85, objectives: [{ objective: 'Acknowledge the problem', met: true, comment: 'You apologised first.' }], feedback: 'Good start; offer the fix sooner.', xp_awarded: 42, achievements_unlocked: [] }] },
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
export const SendBody = t.Object({ body: t.String({ minLength: 1, maxLength: 4000 }) }, { examples: [{ body: 'I am sorry about the delay. I can refund the shipping today.' }] })
export const Exchange = t.Object({ user_message: SessionMessage, persona_message: SessionMessage }, { title: 'ScenarioExchange', examples: [{ user_message: { id: '4b0b4ef5-7d56-49ce-a46b-f5677889900a', role: 'learner', body: 'I am sorry about the delay. I can refund the shipping today.', created_at: '2026-01-15T14:01:00.000Z' }, persona_message: { id: '3afa3de4-6c45-48bd-935a-e4566778899a', role: 'persona', body: 'That helps. When will it arrive?', created_at: '2026-01-15T14:01:01.000Z' } }] })
export const IdParams = t.Object({ id: t.String({ format: 'uuid' }) })
