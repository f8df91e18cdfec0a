import { describe, expect, test } from 'bun:test'
import { AppError } from '../../src/platform/http/errors'
import { assertUsableFile, assertUsableFiles, fileUrl } from '../../src/files/public'
import { fileContentUrl } from '../../src/accounts/public'
import { call, testApp, waitFor } from '../helpers/app'
import { newUser } from '../helpers/factories'

async function insertFile(ownerId: string, purpose: string) {
  const { deps } = await testApp()
  const id = crypto.randomUUID()
  await deps.sql`insert into files (id, owner_id, purpose, storage_key, content_type, size, checksum_sha256)
    values (${id}, ${ownerId}, ${purpose}, ${`files/test/${id}.png`}, 'image/png', 1, 'x')`
  return id
}

async function rejection(p: Promise<unknown>) {
  const err = await p.then(() => null, (e) => e)
  expect(err).toBeInstanceOf(AppError)
  expect(err.status).toBe(422)
  expect(err.code).toBe('validation_failed')
  return err.details[0] as { field: string; message: string }
}

describe('files/public.ts', () => {
  test('assertUsableFile accepts the caller\'s own file of the right purpose', async () => {
    const { deps } = await testApp()
    const u = await newUser()
    const id = await insertFile(u.id, 'avatar')
    await assertUsableFile(deps.sql, { fileId: id, ownerId: u.id, purpose: 'avatar' })
  })

  test('another purpose, another owner, an unknown or malformed id → 422 naming the field', async () => {
    const { deps } = await testApp()
    const [u, other] = await Promise.all([newUser(), newUser()])
    const cover = await insertFile(u.id, 'course_cover')
    const theirs = await insertFile(other.id, 'avatar')
    expect((await rejection(assertUsableFile(deps.sql, { fileId: cover, ownerId: u.id, purpose: 'avatar' }))).field).toBe('avatar_file_id')
    expect((await rejection(assertUsableFile(deps.sql, { fileId: theirs, ownerId: u.id, purpose: 'avatar' }))).field).toBe('avatar_file_id')
    expect((await rejection(assertUsableFile(deps.sql, { fileId: crypto.randomUUID(), ownerId: u.id, purpose: 'course_cover' }))).field).toBe('cover_file_id')
    expect((await rejection(assertUsableFile(deps.sql, { fileId: 'nope', ownerId: u.id, purpose: 'avatar', field: 'x' }))).field).toBe('x')
    const img = await insertFile(u.id, 'product_image')
    await assertUsableFiles(deps.sql, { fileIds: [img, img], ownerId: u.id, purpose: 'product_image' })
    expect((await rejection(assertUsableFiles(deps.sql, { fileIds: [img, cover], ownerId: u.id, purpose: 'product_image' }))).field).toBe('image_file_ids')
  })

  test('deleting a file clears the avatar that pointed at it; URLs match accounts', async () => {
    const { deps } = await testApp()
    const u = await newUser()
    const id = await insertFile(u.id, 'avatar')
    await deps.sql`update users set avatar_file_id = ${id} where id = ${u.id}`
    await waitFor(async () => (await call('GET', '/api/v1/me', { token: u.token })).body.avatar_url === fileUrl(id), { what: 'profile shows the avatar' })
    expect((await call('DELETE', `/api/v1/files/${id}`, { token: u.token })).status).toBe(204)
    const [row] = await deps.sql`select avatar_file_id from users where id = ${u.id}`
    expect(row!.avatar_file_id).toBeNull()
    // The owner's cached profile is dropped with the file: the very next read has no avatar.
    expect((await call('GET', '/api/v1/me', { token: u.token })).body.avatar_url).toBeNull()
    expect(fileUrl(id)).toBe(fileContentUrl(id))
  })

  test('the OpenAPI document describes the files routes and the multipart body', async () => {
    const res = await call('GET', '/swagger/json')
    const doc = res.body
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/files', '/api/v1/files/{id}', '/api/v1/files/{id}/content']))
    const post = doc.paths['/api/v1/files'].post
    expect(Object.keys(post.requestBody.content)).toContain('multipart/form-data')
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['201', '413', '415']))
  })
})
