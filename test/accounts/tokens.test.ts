import { afterEach, describe, expect, test } from 'bun:test'
import { SignJWT } from 'jose'
import { call, listenApp, testApp } from '../helpers/app'
import { connectWs } from '../helpers/ws'
import { advanceClock, resetClock } from '../../src/accounts/clock'
import { PASSWORD, login, register } from './helpers'

afterEach(resetClock)

const me = (token: string) => call('GET', '/api/v1/me', { token })
const refresh = (refresh_token: string) => call('POST', '/api/v1/auth/refresh', { body: { refresh_token } })

describe('POST /auth/refresh', () => {
  test('rotates: new tokens work, the old refresh token stops working', async () => {
    const { tokens } = await register()
    const r = await refresh(tokens.refresh_token)
    expect(r.status).toBe(200)
    expect(r.body.tokens).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), expires_in: expect.any(Number) })
    expect(r.body.tokens.refresh_token).not.toBe(tokens.refresh_token)
    expect((await me(r.body.tokens.access_token)).status).toBe(200)
    const r2 = await refresh(r.body.tokens.refresh_token)
    expect(r2.status).toBe(200)
  })

  test('reuse of a rotated token revokes the whole session → 401 token_revoked', async () => {
    const { tokens } = await register()
    const rotated = await refresh(tokens.refresh_token)
    // An attacker replays the stolen, already-rotated token.
    const replay = await refresh(tokens.refresh_token)
    expect(replay.status).toBe(401)
    expect(replay.body.error.code).toBe('token_revoked')
    // The legitimate holder's newer tokens die with the session.
    const legit = await refresh(rotated.body.tokens.refresh_token)
    expect(legit.status).toBe(401)
    expect(legit.body.error.code).toBe('token_revoked')
    expect((await me(rotated.body.tokens.access_token)).status).toBe(401)
  })

  test('concurrent refreshes with one token: one rotates, the others are reuse and revoke the session', async () => {
    for (let round = 0; round < 3; round++) {
      const { tokens } = await register()
      const results = await Promise.all(Array.from({ length: 4 }, () => refresh(tokens.refresh_token)))
      expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401, 401])
      for (const r of results.filter((x) => x.status === 401)) expect(r.body.error.code).toBe('token_revoked')
      const winner = results.find((r) => r.status === 200)!
      expect((await refresh(winner.body.tokens.refresh_token)).status).toBe(401)
    }
  })

  test('401 for an unknown token, token_expired for an expired session, 422 without a token', async () => {
    const unknown = await refresh('not-a-real-token')
    expect(unknown.status).toBe(401)
    expect(unknown.body.error.code).toBe('unauthorized')
    const { tokens } = await register()
    const { deps } = await testApp()
    advanceClock(deps.config.REFRESH_TOKEN_TTL * 1000 + 1000)
    const expired = await refresh(tokens.refresh_token)
    expect(expired.status).toBe(401)
    expect(expired.body.error.code).toBe('token_expired')
    expect((await call('POST', '/api/v1/auth/refresh', { body: {} })).status).toBe(422)
  })

  test('a role change applies from the next token', async () => {
    const { user, tokens } = await register()
    const { deps } = await testApp()
    await deps.sql`update users set role = 'instructor' where id = ${user.id}`
    const r = await refresh(tokens.refresh_token)
    const claims = JSON.parse(Buffer.from(r.body.tokens.access_token.split('.')[1], 'base64url').toString())
    expect(claims.role).toBe('instructor')
  })
})

describe('POST /auth/logout and /auth/logout-all', () => {
  test('logout → 204; the access token fails at once and the refresh token is dead', async () => {
    const { tokens } = await register()
    const r = await call('POST', '/api/v1/auth/logout', { token: tokens.access_token, body: { refresh_token: tokens.refresh_token } })
    expect(r.status).toBe(204)
    const after = await me(tokens.access_token)
    expect(after.status).toBe(401)
    expect(after.body.error.code).toBe('token_revoked')
    expect((await refresh(tokens.refresh_token)).status).toBe(401)
    expect((await call('POST', '/api/v1/auth/logout')).status).toBe(401)
  })

  test('ended sessions are cleaned up a week later, at the next login', async () => {
    const { email, user, tokens } = await register()
    await call('POST', '/api/v1/auth/logout', { token: tokens.access_token })
    const { deps } = await testApp()
    const count = async () => (await deps.sql<{ n: number }[]>`select count(*)::int as n from sessions where user_id = ${user.id}`)[0]!.n
    await login(email, PASSWORD)
    expect(await count()).toBe(2)
    advanceClock(8 * 24 * 3600 * 1000)
    await login(email, PASSWORD)
    expect(await count()).toBe(2) // the revoked one went; the live one and the new one stay
  })

  test('logout without a body leaves other sessions alive', async () => {
    const { email, tokens } = await register()
    const second = await login(email, PASSWORD)
    expect((await call('POST', '/api/v1/auth/logout', { token: tokens.access_token })).status).toBe(204)
    expect((await me(second.body.tokens.access_token)).status).toBe(200)
  })

  test('logout-all → 204; every session and access token of the user stops working', async () => {
    const { email, tokens } = await register()
    const second = await login(email, PASSWORD)
    const r = await call('POST', '/api/v1/auth/logout-all', { token: tokens.access_token })
    expect(r.status).toBe(204)
    for (const t of [tokens, second.body.tokens]) {
      expect((await me(t.access_token)).body.error.code).toBe('token_revoked')
      expect((await refresh(t.refresh_token)).status).toBe(401)
    }
    // A fresh login works again.
    const again = await login(email, PASSWORD)
    expect((await me(again.body.tokens.access_token)).status).toBe(200)
    expect((await call('POST', '/api/v1/auth/logout-all')).status).toBe(401)
  })

  test('logout closes the session’s WebSockets with 4401', async () => {
    const api = await listenApp()
    const { tokens } = await register()
    const sock = await connectWs(`${api.ws}/api/v1/ws?token=${tokens.access_token}`)
    await sock.next('hello')
    await call('POST', '/api/v1/auth/logout', { token: tokens.access_token })
    const closed = await sock.closed()
    expect(closed.code).toBe(4401)
  })

  test('revoking a session or suspending the user closes their sockets with 4401', async () => {
    const api = await listenApp()
    const { email, tokens } = await register()
    const second = await login(email, PASSWORD)
    const [a, b] = await Promise.all([tokens, second.body.tokens].map((t) => connectWs(`${api.ws}/api/v1/ws?token=${t.access_token}`)))
    await Promise.all([a!.next('hello'), b!.next('hello')])
    const sessions = await call('GET', '/api/v1/me/sessions', { token: tokens.access_token })
    const other = sessions.body.items.find((s: { current: boolean }) => !s.current)
    await call('DELETE', `/api/v1/me/sessions/${other.id}`, { token: tokens.access_token })
    expect((await b!.closed()).code).toBe(4401)
    const { newUser } = await import('../helpers/factories')
    const admin = await newUser({ role: 'admin' })
    const me0 = await call('GET', '/api/v1/me', { token: tokens.access_token })
    await call('PATCH', `/api/v1/admin/users/${me0.body.id}`, { token: admin.token, body: { status: 'suspended' } })
    expect((await a!.closed()).code).toBe(4401)
  })
})

describe('access token integrity', () => {
  const secret = () => testApp().then(({ deps }) => new TextEncoder().encode(deps.config.JWT_SECRET))
  const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())

  test('tampered, alg none, other secret → 401; expired → 401 token_expired', async () => {
    const { tokens } = await register()
    const [h, p, s] = tokens.access_token.split('.')
    const claims = claimsOf(tokens.access_token)
    const forged = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url')
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${forged}.`
    const other = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('another-secret-another-secret-42'))
    const nowS = Math.floor(Date.now() / 1000)
    const expired = await new SignJWT({ ...claims, iat: nowS - 3600, exp: nowS - 60 }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(await secret())
    for (const bad of [`${h}.${forged}.${s}`, `${h}.${p}.${s}x`, none, other, 'garbage']) {
      const r = await me(bad)
      expect(r.status).toBe(401)
      expect(r.body.error.code).toBe('unauthorized')
    }
    const r = await me(expired)
    expect(r.status).toBe(401)
    expect(r.body.error.code).toBe('token_expired')
  })

  test('an MFA challenge token is not an access token', async () => {
    const { user } = await register()
    const { signTypedToken } = await import('../../src/platform/http/auth')
    const { deps } = await testApp()
    const challenge = await signTypedToken(deps.config.JWT_SECRET, 'mfa_challenge', user.id, 600, { cid: 'x' })
    expect((await me(challenge)).status).toBe(401)
  })
})
