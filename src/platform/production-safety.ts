/**
 * SPEC §12 "Refusing unsafe settings": what production refuses to start with. Every value
 * listed here appears in the repository (defaults, examples, compose file, docs, tests), so
 * anyone who reads the repository knows it; a test scans the tracked files to keep the
 * lists complete.
 */

import { DEV_DATA_KEY_HEX, parseDataKey } from './crypto'

/** Development default of JWT_SECRET (config.ts); refused in production like every other known value. */
export const DEV_JWT_SECRET = 'dev-only-insecure-secret-change-me-0123456789'

export const KNOWN_SECRETS = {
  jwt: [
    DEV_JWT_SECRET,
    'change-me-to-a-long-random-secret-of-32-bytes-or-more',
    'bench-only-secret-of-more-than-thirty-two-bytes-0123456789',
    'a-production-like-secret-of-more-than-32-bytes-for-the-image-test',
  ],
  stripe: ['sk_test_lyceum_local', 'whsec_lyceum_local', 'sk_test_standin', 'sk_test_signer', 'whsec_someone_else'],
} as const

/** The settings production checks (a subset of the parsed config). */
type Settings = {
  NODE_ENV: string
  JWT_SECRET: string
  STRIPE_SECRET_KEY: string
  STRIPE_WEBHOOK_SECRET: string
  PAYMENTS_ENABLED: boolean
  DATA_ENCRYPTION_KEY?: string
  METRICS_TOKEN?: string
  METRICS_PUBLIC: boolean
}

const bytesOf = (s: string) => new TextEncoder().encode(s).length

/**
 * The offending variables (name and why, never the value). `given` holds the variables the
 * environment set: a default never counts as a production secret.
 */
export function unsafeSettings(s: Settings, given: Set<string>): string[] {
  const bad: string[] = []
  if (s.NODE_ENV !== 'production') return bad
  if (!given.has('JWT_SECRET') || bytesOf(s.JWT_SECRET) < 32 || (KNOWN_SECRETS.jwt as readonly string[]).includes(s.JWT_SECRET)) {
    bad.push('JWT_SECRET (production needs at least 32 random bytes that appear nowhere in the repository)')
  }
  if (s.PAYMENTS_ENABLED !== false) {
    for (const name of ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'] as const) {
      if (!given.has(name) || (KNOWN_SECRETS.stripe as readonly string[]).includes(s[name])) {
        bad.push(`${name} (production needs the real Stripe value, or PAYMENTS_ENABLED=false)`)
      }
    }
  }
  // Missing or malformed keys are named by config's own checks; the public dev key is refused here.
  const key = s.DATA_ENCRYPTION_KEY && parseDataKey(s.DATA_ENCRYPTION_KEY)
  if (key && key.toString('hex') === DEV_DATA_KEY_HEX) bad.push('DATA_ENCRYPTION_KEY (the development key is refused in production)')
  if (!s.METRICS_TOKEN && s.METRICS_PUBLIC !== true) bad.push('METRICS_TOKEN (required in production unless METRICS_PUBLIC=true)')
  return bad
}
