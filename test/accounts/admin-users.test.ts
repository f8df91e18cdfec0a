import { describe, expect, test } from 'bun:test'
import { call, testApp } from '../helpers/app'
import { newUser, uniqueEmail } from '../helpers/factories'
import { PASSWORD, login, register } from './helpers'

describe('GET /admin/users', () => {
  test('lists users newest first with search, role filter and a cursor', async () => {
    const admin = await newUser({ role: 'admin' })
    const tag = `zq${Math.random().toString(36).slice(2, 8)}`
    const a = await register({ email: uniqueEmail(`${tag}a`), display_name: 'Alpha' })
    const b = await register({ display_name: `Bravo ${tag}` })
    const c = await newUser({ role: 'instructor', email: uniqueEmail(`${tag}c`) })
    const all = await call('GET', `/api/v1/admin/users?search=${tag.toUpperCase()}`, { token: admin.token })
    expect(all.status).toBe(200)
    expect(all.body.items.map((u: { id: string }) => u.id)).toEqual([c.id, b.user.id, a.user.id])
    expect(all.body.items[0]).toHaveProperty('email')
    const instructors = await call('GET', `/api/v1/admin/users?search=${tag}&role=instructor`, { token: admin.token })
    expect(instructors.body.items.map((u: { id: string }) => u.id)).toEqual([c.id])
    const p1 = await call('GET', `/api/v1/admin/users?search=${tag}&limit=2`, { token: admin.token })
    expect(p1.body.items).toHaveLength(2)
    const p2 = await call('GET', `/api/v1/admin/users?search=${tag}&limit=2&cursor=${p1.body.next_cursor}`, { token: admin.token })
    expect(p2.body.items.map((u: { id: string }) => u.id)).toEqual([a.user.id])
    expect(p2.body.next_cursor).toBeNull()
    // LIKE wildcards are literal.
    expect((await call('GET', '/api/v1/admin/users?search=%25%25%25', { token: admin.token })).body.items).toEqual([])
  })

  test('401 without a token, 403 for non-admins, 422 for a bad role filter', async () => {
    expect((await call('GET', '/api/v1/admin/users')).status).toBe(401)
    const instructor = await newUser({ role: 'instructor' })
    const r = await call('GET', '/api/v1/admin/users', { token: instructor.token })
    expect(r.status).toBe(403)
    expect(r.body.error.code).toBe('forbidden')
    const admin = await newUser({ role: 'admin' })
    expect((await call('GET', '/api/v1/admin/users?role=king', { token: admin.token })).status).toBe(422)
  })
})

describe('PATCH /admin/users/:id', () => {
  test('changes the role (applies from the next token)', async () => {
    const admin = await newUser({ role: 'admin' })
    const u = await register()
    const r = await call('PATCH', `/api/v1/admin/users/${u.user.id}`, { token: admin.token, body: { role: 'instructor' } })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ id: u.user.id, role: 'instructor', status: 'active' })
    const fresh = await call('POST', '/api/v1/auth/refresh', { body: { refresh_token: u.tokens.refresh_token } })
    const claims = JSON.parse(Buffer.from(fresh.body.tokens.access_token.split('.')[1], 'base64url').toString())
    expect(claims.role).toBe('instructor')
  })

  test('suspending revokes every session at once; login → 403; reactivating lets them back in', async () => {
    const admin = await newUser({ role: 'admin' })
    const u = await register()
    const r = await call('PATCH', `/api/v1/admin/users/${u.user.id}`, { token: admin.token, body: { status: 'suspended' } })
    expect(r.body.status).toBe('suspended')
    const me = await call('GET', '/api/v1/me', { token: u.tokens.access_token })
    expect(me.status).toBe(401)
    expect(me.body.error.code).toBe('token_revoked')
    expect((await call('POST', '/api/v1/auth/refresh', { body: { refresh_token: u.tokens.refresh_token } })).status).toBe(401)
    expect((await login(u.email, PASSWORD)).body.error.code).toBe('account_suspended')
    await call('PATCH', `/api/v1/admin/users/${u.user.id}`, { token: admin.token, body: { status: 'active' } })
    expect((await login(u.email, PASSWORD)).status).toBe(200)
  })

  test('404 unknown user, 422 bad body or id, 403 non-admin, 409 when an admin would lock themselves out', async () => {
    const admin = await newUser({ role: 'admin' })
    expect((await call('PATCH', `/api/v1/admin/users/${crypto.randomUUID()}`, { token: admin.token, body: { role: 'student' } })).status).toBe(404)
    expect((await call('PATCH', '/api/v1/admin/users/not-a-uuid', { token: admin.token, body: { role: 'student' } })).status).toBe(422)
    expect((await call('PATCH', `/api/v1/admin/users/${admin.id}`, { token: admin.token, body: { status: 'banned' } })).status).toBe(422)
    const self = await call('PATCH', `/api/v1/admin/users/${admin.id}`, { token: admin.token, body: { status: 'suspended' } })
    expect(self.status).toBe(409)
    const student = await newUser()
    expect((await call('PATCH', `/api/v1/admin/users/${admin.id}`, { token: student.token, body: { role: 'student' } })).status).toBe(403)
  })
})

describe('bun run cli user:role', () => {
  const cli = async (...args: string[]) => {
    const proc = Bun.spawn(['bun', 'run', 'src/cli.ts', ...args], { env: process.env, stdout: 'pipe', stderr: 'pipe' })
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
    return { out, err, code }
  }

  test("sets any user's role; unknown emails and roles fail", async () => {
    const u = await register()
    const ok = await cli('user:role', u.email.toUpperCase(), 'admin')
    expect(ok.code).toBe(0)
    expect(ok.out).toContain('admin')
    const { deps } = await testApp()
    const [row] = await deps.sql<{ role: string }[]>`select role from users where id = ${u.user.id}`
    expect(row!.role).toBe('admin')
    expect((await cli('user:role', 'nobody@nowhere.test', 'admin')).code).toBe(1)
    expect((await cli('user:role', u.email, 'emperor')).code).toBe(2)
    expect((await cli('nope')).code).toBe(2)
  })
})
