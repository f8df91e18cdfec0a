import type { Deps } from '../../platform/deps'
import { aiProvider, type AiMessage } from '../../platform/ai'
import { publishXpEffects, recordXp, type XpResult } from '../../gamification/public'
import { aiErrors } from '../errors'
import { findScenario, type ScenarioRow } from '../scenarios/queries'
import { completeStructured } from '../shared/structured'
import { recordTokens, refundQuota, reserveQuota } from '../shared/usage'
import { assessmentPrompt, assessmentSchema, offlineAssessment } from './assessment'
import { OPENING_CUE, offlineOpening, offlinePersonaReply, personaPrompt, transcriptMessages } from './persona'
import * as q from './queries'

type SessionDeps = Pick<Deps, 'sql' | 'config' | 'redis' | 'keys' | 'hub' | 'log'> & Partial<Pick<Deps, 'metrics'>>

async function sessionView(deps: Pick<Deps, 'sql'>, s: q.SessionRow) {
  const messages = await q.sessionMessages(deps.sql, s.id)
  return { id: s.id, scenario_id: s.scenario_id, status: s.status, messages, result: (s.result ?? null) as never, created_at: s.created_at, resolved_at: s.resolved_at }
}

/** The caller's own session (others' sessions are 404) and its scenario. */
async function ownSession(deps: Pick<Deps, 'sql'>, userId: string, id: string) {
  const s = await q.findSession(deps.sql, id)
  if (!s || s.user_id !== userId) throw aiErrors.sessionNotFound()
  const scenario = await findScenario(deps.sql, s.scenario_id)
  if (!scenario) throw aiErrors.sessionNotFound()
  return { session: s, scenario }
}

/** Starts a session: the persona's opening line comes first; nothing is stored if the provider fails. */
export async function startSession(deps: SessionDeps, userId: string, scenarioId: string) {
  const scenario = await findScenario(deps.sql, scenarioId)
  if (!scenario) throw aiErrors.scenarioNotFound()
  const messages: AiMessage[] = [{ role: 'system', content: personaPrompt(scenario) }, { role: 'user', content: OPENING_CUE }]
  // The opening line is a provider call too: reserved before it, given back if nothing is stored.
  await reserveQuota(deps, userId)
  let res
  try {
    res = await aiProvider(deps.config).complete({ messages, offline: () => offlineOpening(scenario), maxTokens: 300 })
  } catch (err) {
    await refundQuota(deps, userId)
    throw err
  }
  const session = await deps.sql.begin(async (tx) => {
    const s = await q.insertSession(tx, scenario.id, userId)
    await q.insertSessionMessage(tx, s.id, 'persona', res.text.trim() || offlineOpening(scenario))
    await recordTokens(tx, userId, res.usage)
    return s
  })
  return sessionView(deps, session)
}

export async function getSession(deps: Pick<Deps, 'sql'>, userId: string, id: string) {
  const { session } = await ownSession(deps, userId, id)
  return sessionView(deps, session)
}

/** One learner turn and the persona's reply (stored together), pushed as `scenario_message`. */
export async function sendMessage(deps: SessionDeps, userId: string, id: string, body: string) {
  const { session, scenario } = await ownSession(deps, userId, id)
  if (session.status !== 'active') throw aiErrors.alreadyResolved()
  const history = await q.sessionMessages(deps.sql, id)
  const messages: AiMessage[] = [{ role: 'system', content: personaPrompt(scenario) }, ...transcriptMessages(history).slice(-30), { role: 'user', content: body }]
  await reserveQuota(deps, userId)
  let res
  try {
    const turn = history.filter((m) => m.role === 'learner').length
    res = await aiProvider(deps.config).complete({ messages, offline: () => offlinePersonaReply(scenario, turn, body), maxTokens: 400 })
  } catch (err) {
    await refundQuota(deps, userId)
    throw err
  }
  const pair = await deps.sql.begin(async (tx) => {
    const current = await q.findSession(tx, id, true)
    if (current?.status !== 'active') throw aiErrors.alreadyResolved()
    const user_message = await q.insertSessionMessage(tx, id, 'learner', body)
    const persona_message = await q.insertSessionMessage(tx, id, 'persona', res.text.trim() || '…')
    await recordTokens(tx, userId, res.usage)
    return { user_message, persona_message }
  })
  await deps.hub.publish([userId], 'notification', { kind: 'scenario_message', session_id: id, message: pair.persona_message })
  return pair
}

/**
 * Grades the session against the scenario's objectives (validated JSON; a malformed answer is
 * retried once, then 503 with nothing stored), awards XP once per scenario (never to its
 * author) and stores the result. A second resolve is 409.
 */
export async function resolveSession(deps: SessionDeps, userId: string, id: string) {
  const { session, scenario } = await ownSession(deps, userId, id)
  if (session.status !== 'active') throw aiErrors.alreadyResolved()
  const transcript = await q.sessionMessages(deps.sql, id)
  // Each provider call (a malformed answer is asked again once) is reserved before it is made;
  // all are given back when nothing is stored.
  let reserved = 0
  const res = await completeStructured(
    aiProvider(deps.config),
    { messages: assessmentPrompt(scenario, transcript), offline: () => offlineAssessment(scenario, transcript), maxTokens: 800 },
    assessmentSchema(scenario.objectives.length),
    2,
    async () => {
      await reserveQuota(deps, userId)
      reserved++
    },
  ).catch(async (err) => {
    await refundQuota(deps, userId, reserved)
    throw err
  })
  if (!res.ok) {
    await refundQuota(deps, userId, reserved)
    deps.log.warn('scenario assessment malformed twice', { session_id: id, attempts: res.attempts })
    throw aiErrors.invalidOutput('assessment')
  }
  const score = Math.round(res.value.score)
  const { result, xp } = await deps.sql.begin(async (tx) => {
    const current = await q.findSession(tx, id, true)
    if (current?.status !== 'active') throw aiErrors.alreadyResolved()
    const xp = await awardScenarioXp(tx, scenario, userId, score)
    const result = {
      score,
      objectives: scenario.objectives.map((objective, i) => ({ objective, met: res.value.objectives[i]!.met, comment: res.value.objectives[i]!.comment })),
      feedback: res.value.feedback,
      xp_awarded: xp?.xp_awarded ?? 0,
      achievements_unlocked: (xp?.achievements_unlocked ?? []).map((a) => ({ ...a, unlocked_at: a.unlocked_at.toISOString() })),
    }
    await q.markResolved(tx, id, result)
    await recordTokens(tx, userId, res.usage)
    return { result, xp }
  })
  if (xp) await publishXpEffects(deps, xp)
  return result
}

/** `xp_reward × score / 100`, once per scenario; the scenario's author earns nothing from it. */
async function awardScenarioXp(tx: Parameters<typeof recordXp>[0], scenario: ScenarioRow, userId: string, score: number): Promise<XpResult | null> {
  if (scenario.author_id === userId) return null
  return recordXp(tx, { userId, source: 'scenario', sourceId: scenario.id, xp: Math.round((scenario.xp_reward * score) / 100), achievements: ['first_scenario'] })
}
