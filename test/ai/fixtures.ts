import { call } from '../helpers/app'
import type { App } from '../../src/app'
import type { TestUser } from '../helpers/factories'

export const scenarioBody = (over: Record<string, unknown> = {}) => ({
  title: 'Angry customer',
  description: 'A customer whose order arrived late wants a refund.',
  persona: { name: 'Dana', role: 'an upset customer', personality: 'impatient but fair', goals: ['get a refund', 'be listened to'] },
  objectives: ['Apologise sincerely for the delay', 'Offer a concrete refund or voucher'],
  difficulty: 'beginner',
  xp_reward: 200,
  ...over,
})

/** A scenario created by `author` (an instructor) through the API. */
export async function makeScenario(author: TestUser, over: Record<string, unknown> = {}, app?: App) {
  const r = await call('POST', '/api/v1/scenarios', { token: author.token, body: scenarioBody(over) }, app)
  if (r.status !== 201) throw new Error(`create scenario: ${r.status} ${r.text}`)
  return r.body
}
