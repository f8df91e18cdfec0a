/**
 * The in-process copies on the authenticated read path: the revocation mirror (Redis pub/sub)
 * and the profile cache behind GET /me (Postgres NOTIFY). Each is checked across two API
 * instances with their own connections, as two replicas would be.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import postgres from 'postgres'
import { call, testApp, testAppWith, waitFor } from '../helpers/app'
import { privateRedis } from '../helpers/redis'
import { newUser } from '../helpers/factories'
import { signAccessToken } from '../../src/platform/http/auth'
import { revocationMirrorSynced, revokeSessionTokens } from '../../src/platform/http/revocations'
import { PASSWORD, login, register } from './helpers'

type App = Awaited<ReturnType<typeof testAppWith>>['app']
const meOn = (app: App | undefined, token: string) => call('GET', '/api/v1/me', { token }, app)
/** The 401 `GET /me` answers with `token` on `app` once the revocation has reached it. */
const refused = (app: App, token: string, what: string) =>
  waitFor(async () => {
    const r = await meOn(app, token)
    return r.status === 401 ? r : null
  }, { what })

describe('revocation mirror', () => {
  test('a revocation made through one instance fails the token on another instance', async () => {
    const a = await testApp()
    const b = await testAppWith({})
    await waitFor(() => revocationMirrorSynced(b.deps), { what: 'mirror of b in sync' })
    const { tokens } = await register()
    expect((await meOn(b.app, tokens.access_token)).status).toBe(200)
    expect((await call('POST', '/api/v1/auth/logout', { token: tokens.access_token, body: { refresh_token: tokens.refresh_token } }, a.app)).status).toBe(204)
    expect((await refused(b.app, tokens.access_token, 'b refuses the revoked token')).body.error.code).toBe('token_revoked')
  })

  test('an instance that starts after a revocation loads it from Redis', async () => {
    const { email } = await register()
    const first = await login(email, PASSWORD)
    const { deps } = await testApp()
    await revokeSessionTokens(deps, JSON.parse(Buffer.from(first.body.tokens.access_token.split('.')[1], 'base64url').toString()).sid, 60)
    // And a user-wide revocation (logout-all) of another user.
    const other = await register()
    expect((await call('POST', '/api/v1/auth/logout-all', { token: other.tokens.access_token })).status).toBe(204)
    const late = await testAppWith({})
    await waitFor(() => revocationMirrorSynced(late.deps), { what: 'late mirror in sync' })
    expect((await meOn(late.app, other.tokens.access_token)).body.error.code).toBe('token_revoked')
    const r = await meOn(late.app, first.body.tokens.access_token)
    expect(r.status).toBe(401)
    expect(r.body.error.code).toBe('token_revoked')
    // Another session of the same user is untouched.
    const second = await login(email, PASSWORD)
    expect((await meOn(late.app, second.body.tokens.access_token)).status).toBe(200)
  })

  test('logout-all on one instance fails every earlier token on the other, and later tokens work', async () => {
    const b = await testAppWith({})
    await waitFor(() => revocationMirrorSynced(b.deps), { what: 'mirror of b in sync' })
    const { email, tokens } = await register()
    expect((await call('POST', '/api/v1/auth/logout-all', { token: tokens.access_token })).status).toBe(204)
    await refused(b.app, tokens.access_token, 'b refuses the old token')
    const fresh = await login(email, PASSWORD)
    expect((await meOn(b.app, fresh.body.tokens.access_token)).status).toBe(200)
  })
})

describe('remembered tokens', () => {
  test('a token verified before still expires on time: 401 token_expired', async () => {
    const u = await newUser()
    const { deps } = await testApp()
    const { token } = await signAccessToken({ secret: deps.config.JWT_SECRET, accessTtl: 1 }, { userId: u.id, role: u.role, sid: u.sid })
    expect((await meOn(undefined, token)).status).toBe(200) // verified once, now remembered
    const expired = await waitFor(async () => {
      const r = await meOn(undefined, token)
      return r.status === 401 ? r : null
    }, { what: 'the remembered token expires' })
    expect(expired.body.error.code).toBe('token_expired')
  })
})

describe('revocation mirror across a Redis restart', () => {
  // A private Redis, so stopping it disturbs nothing else.
  const redis = privateRedis()
  afterAll(() => redis.stop())

  test('the mirror stops being trusted while Redis is away, reloads when it is back, and hears revocations again', async () => {
    await redis.ready()
    const a = await testAppWith({ REDIS_URL: redis.url })
    await waitFor(() => revocationMirrorSynced(a.deps), { what: 'mirror in sync' })
    const { tokens } = await register()
    const sid = JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString()).sid as string
    expect((await meOn(a.app, tokens.access_token)).status).toBe(200)

    await redis.kill()
    await waitFor(() => !revocationMirrorSynced(a.deps), { what: 'mirror out of sync' })
    await redis.restart()
    await waitFor(() => revocationMirrorSynced(a.deps), { timeoutMs: 15000, what: 'mirror in sync again' })

    // Revoked through other connections: only the re-established subscription can tell `a`.
    const b = await testAppWith({ REDIS_URL: redis.url })
    await revokeSessionTokens(b.deps, sid, 60)
    expect((await refused(a.app, tokens.access_token, 'a refuses the token revoked after the restart')).body.error.code).toBe('token_revoked')
  })
})

describe('GET /me profile cache', () => {
  test('a change made by this instance shows at once', async () => {
    const { tokens } = await register()
    const first = await call('GET', '/api/v1/me', { token: tokens.access_token, headers: { 'x-request-id': 'me-cached-1' } })
    expect(first.body.display_name).toBe('Ada Lovelace')
    // Served from the cache as ready text, with the platform's headers all the same.
    const again = await call('GET', '/api/v1/me', { token: tokens.access_token, headers: { 'x-request-id': 'me-cached-2' } })
    expect(again.body).toEqual(first.body)
    expect(again.headers.get('x-request-id')).toBe('me-cached-2')
    expect(again.headers.get('x-content-type-options')).toBe('nosniff')
    expect(again.headers.get('content-type')).toStartWith('application/json')
    expect((await call('PATCH', '/api/v1/me', { token: tokens.access_token, body: { display_name: 'Grace Hopper' } })).status).toBe(200)
    expect((await meOn(undefined, tokens.access_token)).body.display_name).toBe('Grace Hopper')
  })

  test('a change made elsewhere (plain SQL on another connection) reaches a cached profile through NOTIFY', async () => {
    const { user, tokens } = await register()
    const b = await testAppWith({})
    expect((await meOn(b.app, tokens.access_token)).body.locale).toBe('en')
    const other = postgres(b.deps.config.DATABASE_URL, { max: 1, onnotice: () => {} })
    try {
      await other`update users set locale = 'fr', display_name = 'Changed Elsewhere' where id = ${user.id}`
    } finally {
      await other.end()
    }
    const seen = await waitFor(async () => {
      const r = await meOn(b.app, tokens.access_token)
      return r.body.locale === 'fr' ? r : null
      // Well inside the cache's 2 s lifetime: the notice, not expiry, refreshes it.
    }, { what: 'b sees the new locale', timeoutMs: 1500 })
    expect(seen.body.display_name).toBe('Changed Elsewhere')
  })

  test('a deleted user gets 401 from /me even when cached', async () => {
    const { user, tokens } = await register()
    expect((await meOn(undefined, tokens.access_token)).status).toBe(200)
    const { deps } = await testApp()
    await deps.sql`delete from users where id = ${user.id}`
    await waitFor(async () => (await meOn(undefined, tokens.access_token)).status === 401, { what: '401 after delete', timeoutMs: 1500 })
  })
})
