import { AppError, httpErrors } from '../platform/http/errors'
import { aiUnavailable } from '../platform/ai'

/** Seconds until the next UTC midnight (when the daily quota resets). */
const untilUtcMidnight = () => {
  const now = new Date()
  return Math.ceil((Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - now.getTime()) / 1000)
}

export const aiErrors = {
  quotaExceeded: () =>
    new AppError(429, 'ai_quota_exceeded', 'Daily AI message quota reached; it resets at midnight UTC', undefined, { 'retry-after': String(untilUtcMidnight()) }),
  unavailable: aiUnavailable,
  invalidOutput: (what: string) => aiUnavailable(`The AI provider returned an invalid ${what} twice; nothing was saved, try again`),
  conversationNotFound: () => httpErrors.notFound('Conversation not found'),
  scenarioNotFound: () => httpErrors.notFound('Scenario not found'),
  sessionNotFound: () => httpErrors.notFound('Scenario session not found'),
  notAuthor: () => httpErrors.forbidden('Only the scenario author or an admin may change it'),
  alreadyResolved: () => httpErrors.conflict('already_resolved', 'This scenario session is already resolved'),
}
