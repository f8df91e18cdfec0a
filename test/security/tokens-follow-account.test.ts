import { describe, expect, test } from 'bun:test'
import { call, testApp } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { spawnReplica } from '../helpers/replica'
import { connectWs } from '../helpers/ws'
import { register } from '../accounts/helpers'
import { makeCourse, quizBody } from '../courses/fixtures'
import { openSession } from '../../src/accounts/sessions/service'
import { findUserById } from '../../src/accounts/users/queries'

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())
const refresh = async (refresh_token: string) => {
  const r = await call('POST', '/api/v1/auth/refresh', { body: { refresh_token } })
  if (r.status !== 200) throw new Error(`refresh: ${r.status} ${r.text}`)
  return r.body.tokens as { access_token: string; refresh_token: string }
}

describe('a role change revokes the access tokens and sockets it makes stale', () => {
  test('PATCH /admin/users/:id role → old token 401 token_revoked, socket on another API process closed 4401, refresh gives the new role', async () => {
    const second = await spawnReplica()
    const admin = await newUser({ role: 'admin' })
    const u = await register()
    expect((await call('GET', '/api/v1/me', { token: u.tokens.access_token })).status).toBe(200)
    const socket = await connectWs(`${second.ws}/api/v1/ws`, { authorization: `Bearer ${u.tokens.access_token}` })
    await socket.next('hello')

    const r = await call('PATCH', `/api/v1/admin/users/${u.user.id}`, { token: admin.token, body: { role: 'instructor' } })
    expect(r.status).toBe(200)
    const old = await call('GET', '/api/v1/me', { token: u.tokens.access_token })
    expect(old.status).toBe(401)
    expect(old.body.error.code).toBe('token_revoked')
    expect((await socket.closed()).code).toBe(4401)
    // The other process refuses the old token too.
    expect((await fetch(`${second.http}/api/v1/me`, { headers: { authorization: `Bearer ${u.tokens.access_token}` } })).status).toBe(401)

    // The session survives: refreshing gives a token with the new role, which works.
    const fresh = await refresh(u.tokens.refresh_token)
    expect(claimsOf(fresh.access_token).role).toBe('instructor')
    expect((await call('GET', '/api/v1/me', { token: fresh.access_token })).body.role).toBe('instructor')
    // Setting the same role again changes nothing: the fresh token keeps working.
    expect((await call('PATCH', `/api/v1/admin/users/${u.user.id}`, { token: admin.token, body: { role: 'instructor' } })).status).toBe(200)
    expect((await call('GET', '/api/v1/me', { token: fresh.access_token })).status).toBe(200)
  }, 40000)

  test('suspension closes the sockets with 4401 as well', async () => {
    const { ws } = await import('../helpers/app').then((m) => m.listenApp())
    const admin = await newUser({ role: 'admin' })
    const u = await register()
    const socket = await connectWs(`${ws}/api/v1/ws`, { authorization: `Bearer ${u.tokens.access_token}` })
    await socket.next('hello')
    await call('PATCH', `/api/v1/admin/users/${u.user.id}`, { token: admin.token, body: { status: 'suspended' } })
    expect((await socket.closed()).code).toBe(4401)
    expect((await call('GET', '/api/v1/me', { token: u.tokens.access_token })).body.error.code).toBe('token_revoked')
  })

  test('bun run cli user:role revokes the tokens and closes the sockets too', async () => {
    const { ws } = await import('../helpers/app').then((m) => m.listenApp())
    const u = await register()
    const socket = await connectWs(`${ws}/api/v1/ws`, { authorization: `Bearer ${u.tokens.access_token}` })
    await socket.next('hello')
    const proc = Bun.spawn([process.execPath, 'run', 'src/cli.ts', 'user:role', u.email, 'admin'], { env: process.env, stdout: 'pipe', stderr: 'pipe' })
    expect(await proc.exited).toBe(0)
    const old = await call('GET', '/api/v1/me', { token: u.tokens.access_token })
    expect(old.status).toBe(401)
    expect(old.body.error.code).toBe('token_revoked')
    expect((await socket.closed()).code).toBe(4401)
    expect(claimsOf((await refresh(u.tokens.refresh_token)).access_token).role).toBe('admin')
  }, 30000)

  test('a token is never issued with a role older than the row (issued while a change raced the read)', async () => {
    const { deps } = await testApp()
    const u = await newUser({ role: 'instructor' })
    const stale = (await findUserById(deps.sql, u.id))!
    await deps.sql`update users set role = 'student' where id = ${u.id}`
    // The caller read the row before the change; the token still carries the current role.
    const tokens = await openSession(deps, stale, { ip: '127.0.0.1', device: 'test' } as never)
    expect(claimsOf(tokens.access_token).role).toBe('student')
  })
})

describe('managing a course needs the current role instructor (or admin) as well as ownership', () => {
  test('an instructor demoted to student can no longer edit, publish, price or add lessons and quizzes to their course', async () => {
    const admin = await newUser({ role: 'admin' })
    const u = await register()
    await call('PATCH', `/api/v1/admin/users/${u.user.id}`, { token: admin.token, body: { role: 'instructor' } })
    let tokens = await refresh(u.tokens.refresh_token)
    const me = { ...u, id: u.user.id as string, token: tokens.access_token } as never
    const { course: published, lessons } = await makeCourse({ instructor: me, lessons: 1, publish: true })
    const { course: draft } = await makeCourse({ instructor: me, lessons: 1 })
    // While an instructor, they can.
    expect((await call('PATCH', `/api/v1/courses/${published.id}`, { token: tokens.access_token, body: { price_cents: 0 } })).status).toBe(200)

    await call('PATCH', `/api/v1/admin/users/${u.user.id}`, { token: admin.token, body: { role: 'student' } })
    expect((await call('PATCH', `/api/v1/courses/${published.id}`, { token: tokens.access_token, body: { title: 'Mine' } })).body.error.code).toBe('token_revoked')
    tokens = await refresh(tokens.refresh_token)
    const t = tokens.access_token
    // Published: visible, not theirs to manage any more → 403. Draft: invisible to them now → 404.
    const edits = [
      ['PATCH', `/api/v1/courses/${published.id}`, { title: 'Mine still' }, 403],
      ['PATCH', `/api/v1/courses/${published.id}`, { price_cents: 9900 }, 403],
      ['POST', `/api/v1/courses/${published.id}/archive`, undefined, 403],
      ['POST', `/api/v1/courses/${published.id}/lessons`, { title: 'More', content: 'x', duration_minutes: 1 }, 403],
      ['PATCH', `/api/v1/lessons/${lessons[0].id}`, { title: 'Renamed' }, 403],
      ['PUT', `/api/v1/lessons/${lessons[0].id}/quiz`, quizBody(), 403],
      ['GET', `/api/v1/courses/${published.id}/students`, undefined, 403],
      ['PATCH', `/api/v1/courses/${draft.id}`, { title: 'Draft' }, 404],
      ['POST', `/api/v1/courses/${draft.id}/publish`, undefined, 404],
    ] as const
    for (const [method, path, body, status] of edits) {
      const r = await call(method, path, { token: t, body })
      expect({ method, path, status: r.status }).toEqual({ method, path, status })
    }
    const { deps } = await testApp()
    const [row] = await deps.sql<{ title: string; price_cents: number }[]>`select title, price_cents from courses where id = ${published.id}`
    expect(row).toEqual({ title: published.title, price_cents: 0 })
    // An admin still manages any course.
    expect((await call('PATCH', `/api/v1/courses/${published.id}`, { token: admin.token, body: { title: `${published.title} (admin)` } })).status).toBe(200)
  })
})
