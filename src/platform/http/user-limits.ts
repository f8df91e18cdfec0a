import type { Config } from '../config'
import type { Deps } from '../deps'
import { takeToken, type BucketRule } from './rate-limit'

/**
 * The per-user rate limits of SPEC §12, built from the settings (0 turns one off). Each is a
 * token bucket in Redis keyed by user id, so every replica shares it.
 */
export function userLimitRules(config: Config) {
  return {
    messages: { name: 'messages', limit: config.LIMIT_MESSAGES_PER_MIN, windowSeconds: 60, burst: config.LIMIT_MESSAGES_BURST },
    conversations: { name: 'conversations', limit: config.LIMIT_CONVERSATIONS_PER_HOUR, windowSeconds: 3600 },
    checkouts: { name: 'checkouts', limit: config.LIMIT_CHECKOUTS_PER_HOUR, windowSeconds: 3600 },
    uploads: { name: 'uploads', limit: config.LIMIT_UPLOADS_PER_HOUR, windowSeconds: 3600 },
  } satisfies Record<string, BucketRule>
}
export type UserLimit = keyof ReturnType<typeof userLimitRules>

type LimitDeps = Pick<Deps, 'config' | 'redis' | 'keys'> & Partial<Pick<Deps, 'metrics'>>
const rulesByConfig = new WeakMap<Config, ReturnType<typeof userLimitRules>>()

/**
 * Takes one token of `limit` for `userId`, or throws 429 `rate_limited` with Retry-After.
 * Message sends call `takeUserToken(deps, 'messages', userId)`; a WebSocket frame that sends
 * a message would call the same and answer `error {code: "rate_limited"}`.
 */
export function takeUserToken(deps: LimitDeps, limit: UserLimit, userId: string): Promise<void> {
  let rules = rulesByConfig.get(deps.config)
  if (!rules) rulesByConfig.set(deps.config, (rules = userLimitRules(deps.config)))
  return takeToken(deps, rules[limit], userId)
}
