import { signAccessToken, type Role } from '../../src/platform/http/auth'
import { testApp } from './app'

let n = 0
/** A unique email for this run. */
export const uniqueEmail = (tag = 'user') => `${tag}-${Date.now().toString(36)}-${++n}-${Math.random().toString(36).slice(2, 6)}@example.test`

export type TestUser = { id: string; email: string; display_name: string; role: Role; sid: string; token: string; password: string }

/**
 * Inserts a user with a live session and signs an access token for it, straight through
 * the platform (no HTTP round-trips), for tests of features other than accounts.
 */
export async function newUser(opts: { role?: Role; email?: string; display_name?: string; password?: string; verified?: boolean } = {}): Promise<TestUser> {
  const { deps } = await testApp()
  const password = opts.password ?? 'correct horse battery staple'
  const email = opts.email ?? uniqueEmail(opts.role ?? 'student')
  const display_name = opts.display_name ?? `Test ${opts.role ?? 'student'} ${++n}`
  const role = opts.role ?? 'student'
  const hash = await Bun.password.hash(password, { algorithm: 'argon2id', memoryCost: 4096, timeCost: 1 })
  const [user] = await deps.sql<{ id: string }[]>`
    insert into users (email, password_hash, display_name, role, email_verified_at)
    values (${email}, ${hash}, ${display_name}, ${role}, ${opts.verified === false ? null : new Date()}) returning id`
  const [session] = await deps.sql<{ id: string }[]>`
    insert into sessions (user_id, device, ip, expires_at) values (${user!.id}, 'test', '127.0.0.1', now() + interval '1 day') returning id`
  const { token } = await signAccessToken({ secret: deps.config.JWT_SECRET, accessTtl: deps.config.ACCESS_TOKEN_TTL }, { userId: user!.id, role, sid: session!.id })
  return { id: user!.id, email, display_name, role, sid: session!.id, token, password }
}
