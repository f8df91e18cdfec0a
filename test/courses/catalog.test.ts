import { describe, expect, test } from 'bun:test'
import { call } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { makeCourse, uniqueTitle } from './fixtures'

describe('POST /courses', () => {
  test('instructor creates a draft with a slug from the title; duplicates get a suffix', async () => {
    const instructor = await newUser({ role: 'instructor' })
    const title = `Zoë's Łódź Course ${Date.now()}`
    const a = await call('POST', '/api/v1/courses', { token: instructor.token, body: { title, price_cents: 1500, currency: 'EUR', level: 'beginner', tags: ['x'] } })
    expect(a.status).toBe(201)
    expect(a.body).toMatchObject({ title, status: 'draft', price_cents: 1500, currency: 'eur', level: 'beginner', tags: ['x'], lessons_count: 0, published_at: null, cover_url: null })
    expect(a.body.slug).toBe(`zoe-s-lodz-course-${title.split(' ').pop()}`)
    expect(a.body.instructor).toEqual({ id: instructor.id, display_name: instructor.display_name, avatar_url: null })
    expect(a.body.instructor.email).toBeUndefined()
    const b = await call('POST', '/api/v1/courses', { token: instructor.token, body: { title } })
    expect(b.status).toBe(201)
    expect(b.body.slug).toBe(`${a.body.slug}-2`)
  })

  test('explicit duplicate slug → 409 slug_taken; bad slug → 422', async () => {
    const instructor = await newUser({ role: 'instructor' })
    const slug = `my-slug-${Date.now()}`
    expect((await call('POST', '/api/v1/courses', { token: instructor.token, body: { title: 'A', slug } })).status).toBe(201)
    const dup = await call('POST', '/api/v1/courses', { token: instructor.token, body: { title: 'B', slug } })
    expect(dup.status).toBe(409)
    expect(dup.body.error.code).toBe('slug_taken')
    const bad = await call('POST', '/api/v1/courses', { token: instructor.token, body: { title: 'B', slug: 'Not A Slug' } })
    expect(bad.status).toBe(422)
    expect(bad.body.error.details.map((d: any) => d.field)).toContain('slug')
  })

  test('students cannot create (403), anonymous 401, missing title 422', async () => {
    const student = await newUser()
    expect((await call('POST', '/api/v1/courses', { token: student.token, body: { title: 'x' } })).status).toBe(403)
    expect((await call('POST', '/api/v1/courses', { body: { title: 'x' } })).status).toBe(401)
    const instructor = await newUser({ role: 'instructor' })
    const r = await call('POST', '/api/v1/courses', { token: instructor.token, body: {} })
    expect(r.status).toBe(422)
    expect(r.body.error.code).toBe('validation_failed')
  })
})

describe('lifecycle', () => {
  test('publish needs a lesson; owner or admin only; draft → published → archived', async () => {
    const { instructor, course } = await makeCourse()
    const noLessons = await call('POST', `/api/v1/courses/${course.id}/publish`, { token: instructor.token })
    expect(noLessons.status).toBe(409)
    const other = await newUser({ role: 'instructor' })
    expect((await call('POST', `/api/v1/courses/${course.id}/publish`, { token: other.token })).status).toBe(404) // a draft is invisible
    await call('POST', `/api/v1/courses/${course.id}/lessons`, { token: instructor.token, body: { title: 'L1', content: 'x' } })
    const pub = await call('POST', `/api/v1/courses/${course.id}/publish`, { token: instructor.token })
    expect(pub.status).toBe(200)
    expect(pub.body.status).toBe('published')
    expect(pub.body.published_at).toBeString()
    expect((await call('POST', `/api/v1/courses/${course.id}/publish`, { token: instructor.token })).body.error.code).toBe('invalid_transition')
    expect((await call('PATCH', `/api/v1/courses/${course.id}`, { token: other.token, body: { title: 'hijack' } })).status).toBe(403)
    const admin = await newUser({ role: 'admin' })
    const arch = await call('POST', `/api/v1/courses/${course.id}/archive`, { token: admin.token })
    expect(arch.status).toBe(200)
    expect(arch.body.status).toBe('archived')
  })

  test('GET /courses/:id by id or slug; drafts hidden from others', async () => {
    const { instructor, course, lessons } = await makeCourse({ lessons: 2 })
    const anon = await call('GET', `/api/v1/courses/${course.slug}`)
    expect(anon.status).toBe(404)
    const own = await call('GET', `/api/v1/courses/${course.slug}`, { token: instructor.token })
    expect(own.status).toBe(200)
    expect(own.body.lessons).toEqual(lessons.map((l, i) => ({ id: l.id, title: l.title, position: i + 1, duration_minutes: 5, is_preview: false })))
    await call('POST', `/api/v1/courses/${course.id}/publish`, { token: instructor.token })
    const byId = await call('GET', `/api/v1/courses/${course.id}`)
    expect(byId.status).toBe(200)
    expect(byId.body.lessons_count).toBe(2)
    expect((await call('GET', '/api/v1/courses/no-such-course-slug')).status).toBe(404)
  })

  test('PATCH: fields, slug conflict, price change of a published course writes course.price_changed', async () => {
    const { instructor, course } = await makeCourse({ lessons: 1, publish: true, body: { price_cents: 1000 } })
    const other = await makeCourse({ instructor })
    const r = await call('PATCH', `/api/v1/courses/${course.id}`, { token: instructor.token, body: { summary: 'New', tags: ['a', 'b'], level: 'advanced', price_cents: 2500 } })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ summary: 'New', tags: ['a', 'b'], level: 'advanced', price_cents: 2500 })
    const dup = await call('PATCH', `/api/v1/courses/${other.course.id}`, { token: instructor.token, body: { slug: course.slug } })
    expect(dup.status).toBe(409)
    expect(dup.body.error.code).toBe('slug_taken')
    const { deps } = await (await import('../helpers/app')).testApp()
    const events = await deps.sql`select type from outbox where payload->>'course_id' = ${course.id} and type like 'course.%' order by id`
    expect(events.map((e) => e.type)).toEqual(['course.published', 'course.price_changed'])
  })
})

describe('GET /courses (cached catalog)', () => {
  test('a publish shows at once; filters; cursor pages', async () => {
    const tag = `tag${Date.now().toString(36)}`
    const instructor = await newUser({ role: 'instructor' })
    const first = await call('GET', `/api/v1/courses?tag=${tag}`)
    expect(first.status).toBe(200)
    expect(first.body).toEqual({ items: [], next_cursor: null })
    const a = await makeCourse({ instructor, lessons: 1, publish: true, body: { tags: [tag], level: 'beginner' } })
    const b = await makeCourse({ instructor, lessons: 1, publish: true, body: { tags: [tag], price_cents: 900, title: `Searchable ${uniqueTitle()}` } })
    const c = await makeCourse({ instructor, lessons: 1, body: { tags: [tag] } }) // draft
    const all = await call('GET', `/api/v1/courses?tag=${tag}`)
    expect(all.body.items.map((x: any) => x.id)).toEqual([b.course.id, a.course.id])
    expect((await call('GET', `/api/v1/courses?tag=${tag}&free=true`)).body.items.map((x: any) => x.id)).toEqual([a.course.id])
    expect((await call('GET', `/api/v1/courses?tag=${tag}&free=false`)).body.items.map((x: any) => x.id)).toEqual([b.course.id])
    expect((await call('GET', `/api/v1/courses?tag=${tag}&level=beginner`)).body.items.map((x: any) => x.id)).toEqual([a.course.id])
    expect((await call('GET', `/api/v1/courses?tag=${tag}&search=searchable`)).body.items.map((x: any) => x.id)).toEqual([b.course.id])
    expect((await call('GET', `/api/v1/courses?instructor_id=${instructor.id}`)).body.items).toHaveLength(2)
    const p1 = await call('GET', `/api/v1/courses?tag=${tag}&limit=1`)
    expect(p1.body.items).toHaveLength(1)
    const p2 = await call('GET', `/api/v1/courses?tag=${tag}&limit=1&cursor=${p1.body.next_cursor}`)
    expect(p2.body.items.map((x: any) => x.id)).toEqual([a.course.id])
    expect(p2.body.next_cursor).toBeNull()
    // the draft appears the moment it is published, and a lesson write (title) invalidates too
    await call('POST', `/api/v1/courses/${c.course.id}/publish`, { token: instructor.token })
    expect((await call('GET', `/api/v1/courses?tag=${tag}`)).body.items.map((x: any) => x.id)[0]).toBe(c.course.id)
    await call('POST', `/api/v1/courses/${c.course.id}/lessons`, { token: instructor.token, body: { title: 'L2', content: 'x' } })
    expect((await call('GET', `/api/v1/courses?tag=${tag}`)).body.items[0].lessons_count).toBe(2)
    await call('POST', `/api/v1/courses/${c.course.id}/archive`, { token: instructor.token })
    expect((await call('GET', `/api/v1/courses?tag=${tag}`)).body.items).toHaveLength(2)
  })

  test('bad cursor or limit → 422', async () => {
    expect((await call('GET', '/api/v1/courses?cursor=garbage')).status).toBe(422)
    expect((await call('GET', '/api/v1/courses?limit=0')).status).toBe(422)
    expect((await call('GET', '/api/v1/courses?level=expert')).status).toBe(422)
  })
})

describe('cover, docs and headers', () => {
  test('cover_file_id: own course_cover file → cover_url; someone else\'s → 422', async () => {
    const { deps } = await (await import('../helpers/app')).testApp()
    const instructor = await newUser({ role: 'instructor' })
    const stranger = await newUser({ role: 'instructor' })
    const file = async (ownerId: string, purpose: string) =>
      (await deps.sql`insert into files (owner_id, purpose, storage_key, content_type, size, checksum_sha256)
        values (${ownerId}, ${purpose}, ${`files/test/${crypto.randomUUID()}`}, 'image/png', 10, 'x') returning id`)[0]!.id as string
    const mine = await file(instructor.id, 'course_cover')
    const r = await call('POST', '/api/v1/courses', { token: instructor.token, body: { title: 'With cover', cover_file_id: mine } })
    expect(r.status).toBe(201)
    expect(r.body.cover_url).toBe(`/api/v1/files/${mine}/content`)
    const theirs = await file(stranger.id, 'course_cover')
    const bad = await call('PATCH', `/api/v1/courses/${r.body.id}`, { token: instructor.token, body: { cover_file_id: theirs } })
    expect(bad.status).toBe(422)
    const avatar = await file(instructor.id, 'avatar')
    expect((await call('PATCH', `/api/v1/courses/${r.body.id}`, { token: instructor.token, body: { cover_file_id: avatar } })).status).toBe(422)
    const cleared = await call('PATCH', `/api/v1/courses/${r.body.id}`, { token: instructor.token, body: { cover_file_id: null } })
    expect(cleared.body.cover_url).toBeNull()
  })

  test('the cached catalog answer carries X-Request-Id and JSON content type', async () => {
    const r = await call('GET', '/api/v1/courses', { headers: { 'x-request-id': 'catalog-1' } })
    expect(r.headers.get('x-request-id')).toBe('catalog-1')
    expect(r.headers.get('content-type')).toContain('application/json')
  })

  test('every courses route is in the OpenAPI document', async () => {
    const doc = (await call('GET', '/swagger/json')).body
    for (const path of ['/api/v1/courses', '/api/v1/courses/{id}', '/api/v1/courses/{id}/publish', '/api/v1/courses/{id}/lessons/reorder', '/api/v1/lessons/{id}/progress',
      '/api/v1/lessons/{id}/quiz', '/api/v1/quizzes/{id}/attempts', '/api/v1/attempts/{id}/review', '/api/v1/certificates/verify/{number}',
      '/api/v1/admin/enrollments/{id}/certificate', '/api/v1/courses/{id}/stats', '/api/v1/me/certificates']) {
      expect(doc.paths[path]).toBeDefined()
    }
  })
})

describe('catalog cache across replicas', () => {
  test('a publish on one replica shows at once on another that served the page from memory', async () => {
    const { testAppWith } = await import('../helpers/app')
    const other = await testAppWith({})
    const tag = `rep${Date.now().toString(36)}`
    const { instructor, course } = await makeCourse({ lessons: 1, body: { tags: [tag] } })
    const path = `/api/v1/courses?tag=${tag}`
    for (let i = 0; i < 3; i++) expect((await call('GET', path, {}, other.app)).body.items).toEqual([])
    await call('POST', `/api/v1/courses/${course.id}/publish`, { token: instructor.token })
    const seen = await call('GET', path, {}, other.app)
    expect(seen.body.items.map((c: any) => c.id)).toEqual([course.id])
  })
})

describe('hostile input never gives a 500', () => {
  test('NUL characters, bad cursors, odd ids and numbers', async () => {
    const { instructor, course, lessons } = await makeCourse({ lessons: 1, publish: true })
    const nul = 'bad\u0000text'
    const cursor = Buffer.from(JSON.stringify(['not a date', 'x'])).toString('base64url')
    const cases: [string, string, unknown?][] = [
      ['POST', '/api/v1/courses', { title: nul }],
      ['POST', '/api/v1/courses', { title: 'ok', tags: [nul] }],
      ['PATCH', `/api/v1/courses/${course.id}`, { description: nul }],
      ['POST', `/api/v1/courses/${course.id}/lessons`, { title: 'ok', content: nul }],
      ['POST', `/api/v1/courses/${course.id}/lessons`, { title: 'ok', content: 'x', video_url: 'javascript:alert(1)' }],
      ['PUT', `/api/v1/lessons/${lessons[0].id}/quiz`, { title: 't', pass_percentage: 50, questions: [{ type: 'essay', prompt: nul }] }],
      ['GET', `/api/v1/courses?search=${encodeURIComponent(nul)}`],
      ['GET', `/api/v1/courses?cursor=${cursor}`],
      ['GET', `/api/v1/me/enrollments?cursor=${cursor}`],
      ['GET', `/api/v1/courses/${encodeURIComponent(nul)}`],
      ['GET', `/api/v1/courses/${encodeURIComponent('ünïcode slug')}`],
      ['GET', `/api/v1/certificates/verify/${encodeURIComponent(nul)}`],
      ['POST', `/api/v1/courses/${course.id}/lessons/reorder`, { lesson_ids: 'nope' }],
      ['PUT', `/api/v1/lessons/${lessons[0].id}/progress`, { progress_percent: 'lots' }],
    ]
    for (const [method, path, body] of cases) {
      const r = await call(method, path, { token: instructor.token, body })
      expect({ path, status: r.status, code: r.body?.error?.code }).toMatchObject({ path, status: expect.any(Number) })
      expect(r.status).toBeGreaterThanOrEqual(400)
      expect(r.status).toBeLessThan(500)
    }
  })
})
