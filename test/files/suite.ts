/** The files tests (SPEC §8), run once per storage driver by local.test.ts and s3.test.ts. */
import { beforeAll, describe, expect, test } from 'bun:test'
import sharp from 'sharp'
import { connectWs } from '../helpers/ws'
import { newUser, type TestUser } from '../helpers/factories'
import { testApp } from '../helpers/app'
import { fetchContent, filesContext, makeImage, pngClaiming, streamChunkedUpload, upload, waitProcessed, type Driver, type FilesContext } from './fixtures'

async function storedKeys(id: string): Promise<string[]> {
  const { deps } = await testApp()
  const rows = await deps.sql<{ storage_key: string }[]>`
    select storage_key from files where id = ${id} union all select storage_key from file_variants where file_id = ${id}`
  return rows.map((r) => r.storage_key)
}

async function expectWebp(ctx: FilesContext, url: string, width: number, height: number) {
  const got = await fetchContent(ctx, url)
  expect(got.status).toBe(200)
  const meta = await sharp(got.bytes).metadata()
  expect(meta.format).toBe('webp')
  expect([meta.width, meta.height]).toEqual([width, height])
  expect(meta.exif).toBeUndefined()
  expect(meta.orientation).toBeUndefined()
}

export function filesSuite(driver: Driver) {
  describe(`files (${driver} storage)`, () => {
    let ctx: FilesContext
    let owner: TestUser
    let other: TestUser
    beforeAll(async () => {
      ctx = await filesContext(driver)
      ;[owner, other] = await Promise.all([newUser(), newUser()])
    })

    test('a PNG gets thumb/medium/large WebP variants and the uploader a file_ready notification', async () => {
      const ws = await connectWs(`${ctx.ws}/api/v1/ws`, { authorization: `Bearer ${owner.token}` })
      await ws.next('hello')
      const png = await makeImage('png', 1600, 1200)
      const res = await upload(ctx, owner.token, 'course_cover', png, 'cover.png')
      expect(res.status).toBe(201)
      expect(res.body).toMatchObject({ content_type: 'image/png', size: png.byteLength, purpose: 'course_cover', status: 'processing', variants: {} })
      expect(res.body.url).toBe(`/api/v1/files/${res.body.id}/content`)
      const note = await ws.next('notification', (d) => d.kind === 'file_ready' && d.file.id === res.body.id, 20000)
      expect(note.data.file.status).toBe('ready')
      ws.close()
      const done = await waitProcessed(ctx, owner.token, res.body.id)
      expect(done.body.status).toBe('ready')
      const v = done.body.variants
      expect([v.thumb.width, v.thumb.height, v.medium.width, v.medium.height, v.large.width, v.large.height]).toEqual([160, 120, 640, 480, 1280, 960])
      for (const name of ['thumb', 'medium', 'large']) await expectWebp(ctx, v[name].url, v[name].width, v[name].height)
      const original = await fetchContent(ctx, res.body.url)
      expect(original.bytes).toEqual(png)
      if (driver === 's3') {
        // A short-lived presigned link, never the stable API URL's own bytes.
        expect(original.first.status).toBe(302)
        expect(original.first.headers.get('location')).toContain('X-Amz-Expires=300')
      } else {
        expect(original.res.headers.get('content-type')).toBe('image/png')
        const etag = original.res.headers.get('etag')!
        const again = await ctx.call('GET', res.body.url, { headers: { 'if-none-match': etag } })
        expect([again.status, again.text]).toEqual([304, ''])
      }
    })

    test('a JPEG is oriented by its EXIF tag, stripped of metadata, and never upscaled', async () => {
      // 1600x1000 stored with orientation 6 (rotate 90°): upright it is 1000x1600.
      const jpeg = await makeImage('jpeg', 1600, 1000, 6)
      const res = await upload(ctx, owner.token, 'product_image', jpeg, 'photo.jpg')
      expect(res.status).toBe(201)
      expect(res.body.content_type).toBe('image/jpeg')
      const { body } = await waitProcessed(ctx, owner.token, res.body.id)
      expect(body.status).toBe('ready')
      expect(body.variants.thumb).toMatchObject({ width: 160, height: 256 })
      expect(body.variants.medium).toMatchObject({ width: 640, height: 1024 })
      expect(body.variants.large).toMatchObject({ width: 1000, height: 1600 })
      await expectWebp(ctx, body.variants.large.url, 1000, 1600)
      await expectWebp(ctx, body.variants.thumb.url, 160, 256)
    })

    test('WebP and GIF avatars are accepted; a small image keeps its size in every variant', async () => {
      const webp = await upload(ctx, owner.token, 'avatar', await makeImage('webp', 100, 80), 'a.webp')
      expect(webp.status).toBe(201)
      expect(webp.body.content_type).toBe('image/webp')
      const gif = await upload(ctx, owner.token, 'avatar', await makeImage('gif', 50, 40), 'a.gif')
      expect(gif.status).toBe(201)
      expect(gif.body.content_type).toBe('image/gif')
      const { body } = await waitProcessed(ctx, owner.token, webp.body.id)
      expect(body.variants.thumb).toMatchObject({ width: 100, height: 80 })
      expect(body.variants.large).toMatchObject({ width: 100, height: 80 })
      expect((await waitProcessed(ctx, owner.token, gif.body.id)).body.status).toBe('ready')
    })

    test('the type comes from the bytes: text named .png is 415, a PDF is not an avatar', async () => {
      const txt = await upload(ctx, owner.token, 'avatar', 'just some text, not an image', 'evil.png')
      expect(txt.status).toBe(415)
      expect(txt.body.error.code).toBe('unsupported_media_type')
      const pdf = await upload(ctx, owner.token, 'avatar', '%PDF-1.4\n%fake\n', 'a.png')
      expect(pdf.status).toBe(415)
      const binary = await upload(ctx, owner.token, 'attachment', new Uint8Array([0, 1, 2, 3, 0xfe, 0xff, 0]), 'x.txt')
      expect(binary.status).toBe(415)
    })

    test('attachments: PDF, plain text and ZIP are ready at once, with a checksum-backed row', async () => {
      const text = 'hello, Lyceum\n'
      const t = await upload(ctx, owner.token, 'attachment', text, 'notes.png')
      expect(t.status).toBe(201)
      expect(t.body).toMatchObject({ content_type: 'text/plain', size: text.length, status: 'ready', variants: {}, name: 'notes.png' })
      const got = await fetchContent(ctx, t.body.url, owner.token)
      expect(new TextDecoder().decode(got.bytes)).toBe(text)
      const zip = await upload(ctx, owner.token, 'attachment', new Uint8Array([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]), 'a.zip')
      expect(zip.body.content_type).toBe('application/zip')
      const pdf = await upload(ctx, owner.token, 'attachment', '%PDF-1.7\n1 0 obj\n', 'doc.pdf')
      expect(pdf.body).toMatchObject({ content_type: 'application/pdf', status: 'ready' })
      const { deps } = await testApp()
      const [row] = await deps.sql`select owner_id, checksum_sha256, storage_key from files where id = ${t.body.id}`
      expect(row!.owner_id).toBe(owner.id)
      expect(row!.checksum_sha256).toBe(new Bun.CryptoHasher('sha256').update(text).digest('hex'))
      expect(row!.storage_key).toMatch(/^files\/\d{4}\/\d{2}\/[0-9a-f-]{36}\.txt$/)
    })

    test('bad requests: no token 401, bad multipart 400, missing or wrong fields 422', async () => {
      expect((await upload(ctx, undefined, 'avatar', 'x')).status).toBe(401)
      const notMultipart = await ctx.call('POST', '/api/v1/files', { token: owner.token, body: { purpose: 'avatar' } })
      expect(notMultipart.status).toBe(400)
      const broken = await ctx.call('POST', '/api/v1/files', {
        token: owner.token, raw: '--b\r\nnot really multipart', headers: { 'content-type': 'multipart/form-data; boundary=zzz' },
      })
      expect(broken.status).toBe(400)
      expect(broken.body.error.code).toBe('bad_request')
      const noPurpose = await upload(ctx, owner.token, null, 'text')
      expect(noPurpose.status).toBe(422)
      expect(noPurpose.body.error.details[0].field).toBe('purpose')
      expect((await upload(ctx, owner.token, 'selfie', 'text')).status).toBe(422)
      const noFile = await upload(ctx, owner.token, 'attachment', null)
      expect(noFile.status).toBe(422)
      expect(noFile.body.error.details[0].field).toBe('file')
      expect((await upload(ctx, owner.token, 'attachment', '')).status).toBe(422)
    })

    test('an image that cannot be decoded, or claims too many pixels, ends up failed', async () => {
      const bomb = await upload(ctx, owner.token, 'avatar', await pngClaiming(20000, 20000), 'bomb.png')
      expect(bomb.status).toBe(201)
      const junk = await upload(ctx, owner.token, 'avatar', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]), 'junk.png')
      expect(junk.status).toBe(201)
      expect((await waitProcessed(ctx, owner.token, bomb.body.id)).body).toMatchObject({ status: 'failed', variants: {} })
      expect((await waitProcessed(ctx, owner.token, junk.body.id)).body.status).toBe('failed')
    })

    test('attachments are owner-only (others and anonymous get 404); images are public', async () => {
      const att = await upload(ctx, owner.token, 'attachment', 'secret notes', 'secret.txt')
      const path = `/api/v1/files/${att.body.id}`
      expect((await ctx.call('GET', path, { token: owner.token })).status).toBe(200)
      for (const token of [other.token, undefined]) {
        expect((await ctx.call('GET', path, { token })).status).toBe(404)
        expect((await ctx.call('GET', `${path}/content`, { token })).status).toBe(404)
      }
      const admin = await newUser({ role: 'admin' })
      expect((await ctx.call('GET', path, { token: admin.token })).status).toBe(200)
      expect((await ctx.call('GET', path, { token: 'not-a-token' })).status).toBe(401)
      const avatar = await upload(ctx, owner.token, 'avatar', await makeImage('png', 40, 40), 'me.png')
      expect((await ctx.call('GET', `/api/v1/files/${avatar.body.id}`)).status).toBe(200)
      // Its bytes are public once the worker has stripped their metadata (SPEC §12 Privacy).
      await waitProcessed(ctx, owner.token, avatar.body.id)
      expect((await fetchContent(ctx, avatar.body.url)).status).toBe(200)
      expect((await ctx.call('GET', `/api/v1/files/${crypto.randomUUID()}`)).status).toBe(404)
      expect((await ctx.call('GET', '/api/v1/files/not-a-uuid')).status).toBe(422)
    })

    test('delete: others get 404; the owner removes the row, the original and every variant object', async () => {
      const res = await upload(ctx, owner.token, 'course_cover', await makeImage('png', 800, 600), 'c.png')
      await waitProcessed(ctx, owner.token, res.body.id)
      const keys = await storedKeys(res.body.id)
      expect(keys).toHaveLength(4)
      for (const k of keys) expect(await ctx.deps.storage.exists(k)).toBe(true)
      const path = `/api/v1/files/${res.body.id}`
      expect((await ctx.call('DELETE', path, { token: other.token })).status).toBe(404)
      expect((await ctx.call('DELETE', path)).status).toBe(401)
      expect((await ctx.call('DELETE', path, { token: owner.token })).status).toBe(204)
      for (const k of keys) expect(await ctx.deps.storage.exists(k)).toBe(false)
      expect((await ctx.call('GET', path)).status).toBe(404)
      expect((await ctx.call('DELETE', path, { token: owner.token })).status).toBe(404)
    })

    test('over UPLOAD_MAX_BYTES: 413 from Content-Length, from the file size, and mid-stream for chunked bodies', async () => {
      const small = await filesContext(driver, { UPLOAD_MAX_BYTES: String(1024 * 1024) })
      const big = new Uint8Array(1024 * 1024 + 200 * 1024).fill(0x61)
      const declared = await small.call('POST', '/api/v1/files', {
        token: owner.token, raw: big, headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(big.byteLength) },
      })
      expect(declared.status).toBe(413)
      expect(declared.body.error.code).toBe('payload_too_large')
      // Within the multipart allowance, but the file itself is over the limit.
      expect((await upload(small, owner.token, 'attachment', new Uint8Array(1024 * 1024 + 1).fill(0x61), 'a.txt')).status).toBe(413)
      expect((await upload(small, owner.token, 'attachment', new Uint8Array(1024 * 1024 - 1024).fill(0x61), 'a.txt')).status).toBe(201)
      // A chunked body (no Content-Length) through app.handle: a file part that never ends.
      let pulled = 0
      const stream = new ReadableStream<Uint8Array>({
        pull(c) {
          if (pulled === 0) c.enqueue(new TextEncoder().encode('--x\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n'))
          pulled += 64 * 1024
          if (pulled > 64 * 1024 * 1024) c.close()
          else c.enqueue(new Uint8Array(64 * 1024).fill(0x61))
        },
      })
      const res = await small.app.handle(new Request(`http://localhost/api/v1/files`, {
        method: 'POST', body: stream, duplex: 'half',
        headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'multipart/form-data; boundary=x' },
      } as RequestInit))
      expect(res.status).toBe(413)
      expect(pulled).toBeLessThan(4 * 1024 * 1024)
    })

    test('a 300 MB chunked upload on a real socket gets 413 early, without the process memory growing by the body size', async () => {
      // Bun's own cap (derived from BODY_MAX_BYTES here) is set well above ours, so the 413
      // seen is the files domain's streaming limit, with its error envelope.
      const small = await filesContext(driver, { UPLOAD_MAX_BYTES: String(1024 * 1024), BODY_MAX_BYTES: String(16 * 1024 * 1024) })
      const total = 300 * 1024 * 1024
      Bun.gc(true)
      const before = process.memoryUsage().rss
      let peak = before
      const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss) }, 2)
      const r = await streamChunkedUpload(small.port!, owner.token, total).finally(() => clearInterval(timer))
      peak = Math.max(peak, process.memoryUsage().rss)
      expect(r.status).toBe(413)
      expect(JSON.parse(r.body).error.code).toBe('payload_too_large')
      expect(r.sent).toBeLessThan(total / 10)
      expect(peak - before).toBeLessThan(64 * 1024 * 1024)
    })

    test('storage unavailable → 503, and no row is left behind', async () => {
      const broken = await filesContext(driver, driver === 's3' ? { S3_ENDPOINT: 'http://127.0.0.1:9' } : { STORAGE_DIR: '/proc/lyceum-unwritable' })
      const u = await newUser()
      const res = await upload(broken, u.token, 'attachment', 'hello', 'a.txt')
      expect(res.status).toBe(503)
      expect(res.body.error.code).toBe('unavailable')
      const { deps } = await testApp()
      expect((await deps.sql`select 1 from files where owner_id = ${u.id}`).length).toBe(0)
    })

    test('an admin may delete any file', async () => {
      const res = await upload(ctx, owner.token, 'attachment', 'to be removed', 'r.txt')
      const admin = await newUser({ role: 'admin' })
      expect((await ctx.call('DELETE', `/api/v1/files/${res.body.id}`, { token: admin.token })).status).toBe(204)
      expect((await ctx.call('GET', `/api/v1/files/${res.body.id}`, { token: owner.token })).status).toBe(404)
    })
  })
}
