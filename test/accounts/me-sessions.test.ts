import { describe, expect, test } from 'bun:test'
import { call, testApp } from '../helpers/app'
import { createApp } from '../../src/app'
import { accounts } from '../../src/accounts'
import { Elysia } from 'elysia'
import { errorHandler } from '../../src/platform/http/error-handler'
import { AppError } from '../../src/platform/http/errors'
import { PASSWORD, login, register } from './helpers'

/** Just the accounts plugin, with or without an avatar check (src/app.ts wires the files domain's). */
async function accountsApp(opts: Parameters<typeof accounts>[1] = {}) {
  const { deps } = await testApp()
  const app = new Elysia().use(errorHandler(deps.log)).group('/api/v1', (api) => api.use(accounts(deps, opts)))
  return app as unknown as ReturnType<typeof createApp>
}

describe('GET /me · PATCH /me', () => {
  test('GET /me → the user; 401 without a token', async () => {
    const u = await register()
    const r = await call('GET', '/api/v1/me', { token: u.tokens.access_token })
    expect(r.status).toBe(200)
    expect(r.body).toEqual(u.user)
    expect((await call('GET', '/api/v1/me')).status).toBe(401)
  })

  test('PATCH /me updates display_name, locale and avatar (and clears it with null)', async () => {
    const u = await register()
    const { deps } = await testApp()
    // An uploaded avatar image (the row the files domain writes on upload).
    const [file] = await deps.sql<{ id: string }[]>`
      insert into files (owner_id, purpose, storage_key, content_type, size, checksum_sha256)
      values (${u.user.id}, 'avatar', ${`test/${crypto.randomUUID()}`}, 'image/png', 10, 'x') returning id`
    const fileId = file!.id
    const app = await accountsApp()
    const r = await call('PATCH', '/api/v1/me', { token: u.tokens.access_token, body: { display_name: ' Ada L. ', locale: 'pt-BR', avatar_file_id: fileId } })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ display_name: 'Ada L.', locale: 'pt-BR', avatar_url: `/api/v1/files/${fileId}/content` })
    const cleared = await call('PATCH', '/api/v1/me', { token: u.tokens.access_token, body: { avatar_file_id: null } }, app)
    expect(cleared.body).toMatchObject({ display_name: 'Ada L.', avatar_url: null })
    const same = await call('PATCH', '/api/v1/me', { token: u.tokens.access_token, body: {} })
    expect(same.status).toBe(200)
    // Without a files check wired, an unknown id is still refused (422), never a 500.
    const unknown = await call('PATCH', '/api/v1/me', { token: u.tokens.access_token, body: { avatar_file_id: crypto.randomUUID() } }, app)
    expect(unknown.status).toBe(422)
  })

  test('PATCH /me → 422 for bad fields; 401 without a token', async () => {
    const u = await register()
    for (const [body, field] of [[{ display_name: '' }, 'display_name'], [{ locale: 'english!!' }, 'locale'], [{ avatar_file_id: 'not-a-uuid' }, 'avatar_file_id']] as const) {
      const r = await call('PATCH', '/api/v1/me', { token: u.tokens.access_token, body })
      expect(r.status).toBe(422)
      expect(r.body.error.details.map((d: { field: string }) => d.field)).toContain(field)
    }
    expect((await call('PATCH', '/api/v1/me', { body: { locale: 'en' } })).status).toBe(401)
  })

  test('an injected avatar check can refuse a file', async () => {
    const seen: string[][] = []
    const app = await accountsApp({ checkAvatar: async (userId, fileId) => { seen.push([userId, fileId]); throw new AppError(404, 'not_found', 'No such image') } })
    const u = await register()
    const fileId = crypto.randomUUID()
    const r = await call('PATCH', '/api/v1/me', { token: u.tokens.access_token, body: { avatar_file_id: fileId } }, app)
    expect(r.status).toBe(404)
    expect(seen).toEqual([[u.user.id, fileId]])
    // The full app checks with the files domain: an unknown file is refused.
    const real = await call('PATCH', '/api/v1/me', { token: u.tokens.access_token, body: { avatar_file_id: fileId } })
    expect(real.status).toBeGreaterThanOrEqual(400)
    expect(real.status).toBeLessThan(500)
  })
})

describe('GET /me/sessions · DELETE /me/sessions/:id', () => {
  test('lists live sessions with device, ip and the current flag; paginates', async () => {
    const u = await register()
    await login(u.email, PASSWORD, { 'user-agent': 'Phone/1.0' })
    await login(u.email, PASSWORD, { 'user-agent': 'Tablet/2.0' })
    const r = await call('GET', '/api/v1/me/sessions', { token: u.tokens.access_token })
    expect(r.status).toBe(200)
    expect(r.body.items).toHaveLength(3)
    expect(r.body.next_cursor).toBeNull()
    expect(Object.keys(r.body.items[0]).sort()).toEqual(['created_at', 'current', 'device', 'id', 'ip', 'last_used_at'])
    expect(r.body.items.filter((s: { current: boolean }) => s.current)).toHaveLength(1)
    expect(r.body.items.map((s: { device: string }) => s.device)).toContain('Phone/1.0')
    expect(r.body.items[0].ip).toBe('127.0.0.1')
    const p1 = await call('GET', '/api/v1/me/sessions?limit=2', { token: u.tokens.access_token })
    expect(p1.body.items).toHaveLength(2)
    const p2 = await call('GET', `/api/v1/me/sessions?limit=2&cursor=${p1.body.next_cursor}`, { token: u.tokens.access_token })
    expect(p2.body.items).toHaveLength(1)
    expect(p2.body.next_cursor).toBeNull()
    const ids = [...p1.body.items, ...p2.body.items].map((s: { id: string }) => s.id)
    expect(new Set(ids).size).toBe(3)
    expect((await call('GET', '/api/v1/me/sessions?cursor=garbage', { token: u.tokens.access_token })).status).toBe(422)
    expect((await call('GET', '/api/v1/me/sessions?limit=0', { token: u.tokens.access_token })).status).toBe(422)
  })

  test('DELETE kills that session’s refresh token and access tokens; 404 for others’ or unknown sessions', async () => {
    const u = await register()
    const other = await login(u.email, PASSWORD)
    const list = await call('GET', '/api/v1/me/sessions', { token: u.tokens.access_token })
    const target = list.body.items.find((s: { current: boolean }) => !s.current)
    const r = await call('DELETE', `/api/v1/me/sessions/${target.id}`, { token: u.tokens.access_token })
    expect(r.status).toBe(204)
    expect((await call('GET', '/api/v1/me', { token: other.body.tokens.access_token })).status).toBe(401)
    expect((await call('POST', '/api/v1/auth/refresh', { body: { refresh_token: other.body.tokens.refresh_token } })).status).toBe(401)
    expect((await call('GET', '/api/v1/me', { token: u.tokens.access_token })).status).toBe(200)
    const after = await call('GET', '/api/v1/me/sessions', { token: u.tokens.access_token })
    expect(after.body.items).toHaveLength(1)
    // Already revoked, someone else's, or unknown: 404 (never leak existence).
    expect((await call('DELETE', `/api/v1/me/sessions/${target.id}`, { token: u.tokens.access_token })).status).toBe(404)
    const stranger = await register()
    expect((await call('DELETE', `/api/v1/me/sessions/${list.body.items.find((s: { current: boolean }) => s.current).id}`, { token: stranger.tokens.access_token })).status).toBe(404)
    // ...and the owner's session is untouched by the stranger's attempt.
    expect((await call('GET', '/api/v1/me', { token: u.tokens.access_token })).status).toBe(200)
    expect((await call('DELETE', '/api/v1/me/sessions/not-a-uuid', { token: u.tokens.access_token })).status).toBe(422)
  })
})
