import { t } from 'elysia'
import type { AiMessage } from '../../platform/ai'
import type { ScenarioRow } from '../scenarios/queries'
import type { SessionMessageRow } from './queries'

/** The rubric answer the model must give: exactly one entry per objective, in order. */
export const assessmentSchema = (objectives: number) =>
  t.Object({
    score: t.Number({ minimum: 0, maximum: 100 }),
    objectives: t.Array(t.Object({ objective: t.Optional(t.String()), met: t.Boolean(), comment: t.String() }), { minItems: objectives, maxItems: objectives }),
    feedback: t.String({ minLength: 1 }),
  })
export type Assessment = { score: number; objectives: { objective?: string; met: boolean; comment: string }[]; feedback: string }

export function assessmentPrompt(s: ScenarioRow, messages: SessionMessageRow[]): AiMessage[] {
  const transcript = messages.map((m) => `${m.role === 'persona' ? s.persona.name : 'Learner'}: ${m.body}`).join('\n')
  return [
    {
      role: 'system',
      content: [
        'You grade role-play training sessions against a rubric. Answer ONLY with a JSON object:',
        '{"score": integer 0-100, "objectives": [{"objective": string, "met": boolean, "comment": string}] (one per objective, same order), "feedback": string}.',
        `Scenario: "${s.title}". ${s.description}`,
        `The learner spoke with ${s.persona.name}, ${s.persona.role}.`,
        'Objectives:',
        ...s.objectives.map((o, i) => `${i + 1}. ${o}`),
      ].join('\n'),
    },
    { role: 'user', content: `Transcript:\n${transcript || '(the learner said nothing)'}` },
  ]
}

const words = (s: string) => s.toLowerCase().match(/[a-z0-9\u00c0-\u024f]{5,}/g) ?? []

/** Offline rubric: an objective is met when the learner used one of its key words. */
export function offlineAssessment(s: ScenarioRow, messages: SessionMessageRow[]): string {
  const said = new Set(messages.filter((m) => m.role === 'learner').flatMap((m) => words(m.body)))
  const objectives = s.objectives.map((objective) => {
    const hit = words(objective).find((w) => said.has(w))
    return { objective, met: !!hit, comment: hit ? `You addressed this (you mentioned "${hit}").` : 'Not addressed in the conversation.' }
  })
  const met = objectives.filter((o) => o.met).length
  const score = Math.round((100 * met) / Math.max(1, objectives.length))
  return JSON.stringify({ score, objectives, feedback: `[offline assessment] You met ${met} of ${objectives.length} objectives.` })
}
