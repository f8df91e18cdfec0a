import type { AiMessage } from '../../platform/ai'
import type { ScenarioRow } from '../scenarios/queries'
import type { SessionMessageRow } from './queries'

/** The persona's instructions: stay in character, keep it short, never coach the learner. */
export function personaPrompt(s: ScenarioRow): string {
  const p = s.persona
  return [
    `You are role-playing ${p.name}, ${p.role}, in a training scenario titled "${s.title}".`,
    s.description && `Situation: ${s.description}`,
    p.personality && `Personality: ${p.personality}`,
    p.goals.length ? `Your goals: ${p.goals.join('; ')}.` : '',
    'Stay in character at all times, answer in at most 4 sentences, and do not coach or grade the learner.',
  ].filter(Boolean).join('\n')
}

/** The conversation so far as chat messages (the persona speaks as the assistant). */
export function transcriptMessages(messages: SessionMessageRow[]): AiMessage[] {
  return messages.map((m) => ({ role: m.role === 'persona' ? 'assistant' : 'user', content: m.body }))
}

export const OPENING_CUE = 'Open the conversation with your first line, in character.'

export function offlineOpening(s: ScenarioRow): string {
  const goal = s.persona.goals[0]
  return `Hello, I'm ${s.persona.name}, ${s.persona.role}.${goal ? ` I'm here because I want to ${goal.replace(/^to\s+/i, '').replace(/\.$/, '')}.` : ''} What do you have for me?`
}

export function offlinePersonaReply(s: ScenarioRow, turn: number, learnerText: string): string {
  const snippet = learnerText.trim().replace(/\s+/g, ' ').slice(0, 60)
  const goal = s.persona.goals[turn % Math.max(1, s.persona.goals.length)]
  return `${s.persona.name}: You say "${snippet}". ${goal ? `Remember, I need to ${goal.replace(/^to\s+/i, '').replace(/\.$/, '')}.` : 'Go on.'} Why should that convince me?`
}
