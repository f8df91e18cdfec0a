import { beforeAll, describe, expect, test } from 'bun:test'
import sharp from 'sharp'
import { call, testApp } from '../helpers/app'
import { newUser, type TestUser } from '../helpers/factories'
import { fetchContent, filesContext, upload, waitProcessed, type FilesContext } from '../files/fixtures'
import { enrolledStudent, makeCourse } from '../courses/fixtures'
import { revokeCourseAccess } from '../../src/courses/public'

const SECRET_PLACE = 'WGS-84-SECRET-PLACE'

/** A 64x48 JPEG stored with orientation 6 (upright 48x64) carrying EXIF with a camera make and a GPS block. */
async function photoWithGps() {
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a6ea5' } })
    .withMetadata({ orientation: 6 })
    .withExifMerge({ IFD0: { Make: 'SpyCam' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '52/1 13/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '21/1 0/1 0/1', GPSMapDatum: SECRET_PLACE } })
    .jpeg()
    .toBuffer()
  const m = await sharp(jpeg).metadata()
  // The fixture really carries what must not leak.
  expect(m.orientation).toBe(6)
  expect(m.exif!.includes(Buffer.from(SECRET_PLACE))).toBe(true)
  expect(m.exif!.includes(Buffer.from('SpyCam'))).toBe(true)
  return new Uint8Array(jpeg)
}

async function expectNoMetadata(bytes: Uint8Array, size: { width: number; height: number }) {
  const m = await sharp(bytes).metadata()
  expect({ exif: m.exif, xmp: m.xmp, iptc: m.iptc }).toEqual({ exif: undefined, xmp: undefined, iptc: undefined })
  expect(m.orientation ?? 1).toBe(1)
  expect({ width: m.width, height: m.height }).toEqual(size)
  expect(Buffer.from(bytes).includes(Buffer.from(SECRET_PLACE))).toBe(false)
  expect(Buffer.from(bytes).includes(Buffer.from('SpyCam'))).toBe(false)
}

describe('public images are served without EXIF/GPS metadata', () => {
  let ctx: FilesContext
  let owner: TestUser
  beforeAll(async () => {
    ctx = await filesContext('local')
    owner = await newUser()
  })

  for (const purpose of ['avatar', 'course_cover', 'product_image'] as const) {
    test(`${purpose}: the original URL serves a re-encoded JPEG, upright, with no EXIF, GPS, XMP or IPTC`, async () => {
      const res = await upload(ctx, owner.token, purpose, await photoWithGps(), 'me.jpg')
      expect(res.status).toBe(201)
      // Before the worker has stripped it, nobody is served the original bytes.
      const early = await fetchContent(ctx, res.body.url)
      if (early.status === 200) await expectNoMetadata(early.bytes, { width: 48, height: 64 })
      else expect(early.status).toBe(404)
      const done = await waitProcessed(ctx, owner.token, res.body.id)
      expect(done.body.status).toBe('ready')
      for (const token of [undefined, owner.token]) {
        const got = await fetchContent(ctx, res.body.url, token)
        expect(got.status).toBe(200)
        expect(got.res.headers.get('content-type')).toBe('image/jpeg')
        await expectNoMetadata(got.bytes, { width: 48, height: 64 })
        expect(Number(got.res.headers.get('content-length'))).toBe(got.bytes.byteLength)
      }
      // The row describes the bytes served (size, checksum → ETag).
      const { deps } = await testApp()
      const served = await fetchContent(ctx, res.body.url)
      const [row] = await deps.sql<{ size: number; checksum_sha256: string }[]>`select size::int as size, checksum_sha256 from files where id = ${res.body.id}`
      expect(row!.size).toBe(served.bytes.byteLength)
      expect(row!.checksum_sha256).toBe(new Bun.CryptoHasher('sha256').update(served.bytes).digest('hex'))
      // Variants carry no metadata either.
      const large = await fetchContent(ctx, done.body.variants.large.url)
      await expectNoMetadata(large.bytes, { width: 48, height: 64 })
    }, 30000)
  }

  test('with S3 storage, the presigned link serves the stripped copy too', async () => {
    const s3 = await filesContext('s3')
    const res = await upload(s3, owner.token, 'avatar', await photoWithGps(), 'me.jpg')
    await waitProcessed(s3, owner.token, res.body.id)
    const got = await fetchContent(s3, res.body.url)
    expect(got.first.status).toBe(302)
    expect(got.status).toBe(200)
    await expectNoMetadata(got.bytes, { width: 48, height: 64 })
  }, 30000)

  test('an attachment is the owner\'s own file and keeps its bytes exactly', async () => {
    const photo = await photoWithGps()
    const res = await upload(ctx, owner.token, 'attachment', photo, 'private.jpg')
    await waitProcessed(ctx, owner.token, res.body.id)
    const got = await fetchContent(ctx, res.body.url, owner.token)
    expect(got.bytes).toEqual(photo)
  }, 30000)

  test('a public image stored before stripping existed serves its large variant, never the original', async () => {
    const res = await upload(ctx, owner.token, 'avatar', await photoWithGps(), 'old.jpg')
    const done = await waitProcessed(ctx, owner.token, res.body.id)
    const { deps } = await testApp()
    // As a row written by an older version: the original (with metadata) stored, not marked stripped.
    const [row] = await deps.sql<{ storage_key: string }[]>`select storage_key from files where id = ${res.body.id}`
    await deps.storage.put(row!.storage_key, await photoWithGps(), 'image/jpeg')
    await deps.sql`update files set metadata_stripped = false where id = ${res.body.id}`
    const got = await fetchContent(ctx, res.body.url)
    expect(got.status).toBe(200)
    expect(got.res.headers.get('content-type')).toBe('image/webp')
    await expectNoMetadata(got.bytes, { width: done.body.variants.large.width, height: done.body.variants.large.height })
  }, 30000)
})

describe('a revoked certificate', () => {
  test('its PDF answers 410 certificate_revoked (owner and admin); others still 404; reinstated → 200 again', async () => {
    const { deps } = await testApp()
    const { course, lessons } = await makeCourse({ lessons: 1, publish: true })
    const { student, enrollment } = await enrolledStudent(course.id)
    expect((await call('POST', `/api/v1/lessons/${lessons[0].id}/complete`, { token: student.token })).status).toBe(200)
    const admin = await newUser({ role: 'admin' })
    const issued = await call('POST', `/api/v1/admin/enrollments/${enrollment.id}/certificate`, { token: admin.token })
    expect([200, 201]).toContain(issued.status)
    const url = `/api/v1/certificates/${issued.body.id}/pdf`
    expect((await call('GET', url, { token: student.token })).status).toBe(200)

    // The path a refund (or dispute) takes: course access revoked, certificate with it.
    await revokeCourseAccess(deps.sql, { userId: student.id, courseId: course.id })
    for (const token of [student.token, admin.token]) {
      const r = await call('GET', url, { token })
      expect(r.status).toBe(410)
      expect(r.body.error.code).toBe('certificate_revoked')
    }
    const other = await newUser()
    expect((await call('GET', url, { token: other.token })).status).toBe(404)

    const { grantCourseAccess } = await import('../../src/courses/public')
    await grantCourseAccess(deps.sql, { userId: student.id, courseId: course.id })
    expect((await call('POST', `/api/v1/admin/enrollments/${enrollment.id}/certificate`, { token: admin.token })).status).toBe(200)
    const back = await call('GET', url, { token: student.token })
    expect(back.status).toBe(200)
    expect(back.text.startsWith('%PDF')).toBe(true)
  }, 30000)

  test('the OpenAPI document names certificate_revoked on the PDF route', async () => {
    const op = (await call('GET', '/swagger/json')).body.paths['/api/v1/certificates/{id}/pdf'].get
    expect(op.responses['410']).toBeDefined()
    expect(JSON.stringify(op.responses['410'])).toContain('certificate_revoked')
  })
})
