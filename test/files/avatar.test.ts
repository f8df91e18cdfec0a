import { expect, test } from 'bun:test'
import { call } from '../helpers/app'
import { newUser } from '../helpers/factories'

async function uploadGif(token: string, purpose: string) {
  const form = new FormData()
  form.append('purpose', purpose)
  form.append('file', new File([Uint8Array.from([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0, 0, 0, 0])], 'a.gif'))
  const res = await call('POST', '/api/v1/files', { token, raw: form })
  expect(res.status).toBe(201)
  return res.body.id as string
}

test('PATCH /me accepts only an avatar file of the caller as avatar_file_id', async () => {
  const [me, other] = await Promise.all([newUser(), newUser()])
  const mine = await uploadGif(me.token, 'avatar')
  const cover = await uploadGif(me.token, 'course_cover')
  const theirs = await uploadGif(other.token, 'avatar')
  for (const id of [cover, theirs, crypto.randomUUID()]) {
    const bad = await call('PATCH', '/api/v1/me', { token: me.token, body: { avatar_file_id: id } })
    expect(bad.status).toBe(422)
    expect(bad.body.error.details[0].field).toBe('avatar_file_id')
  }
  const ok = await call('PATCH', '/api/v1/me', { token: me.token, body: { avatar_file_id: mine } })
  expect(ok.status).toBe(200)
  expect(ok.body.avatar_url).toBe(`/api/v1/files/${mine}/content`)
})
