/**
 * SPEC §15: every route whose `:id` names a course accepts the course's slug too; an unknown
 * slug answers like an unknown id (auth first, then 404), and garbage is still 422.
 */
import { describe, expect, test } from 'bun:test'
import { call } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { makeCourse } from './fixtures'

describe('course routes accept the slug as :id', () => {
  test('enroll by slug (the README journey: POST /courses/intro-to-lyceum/enroll)', async () => {
    const { course } = await makeCourse({ lessons: 1, publish: true })
    const student = await newUser()
    const r = await call('POST', `/api/v1/courses/${course.slug}/enroll`, { token: student.token })
    expect(r.status).toBe(201)
    expect(r.body.course_id).toBe(course.id)
    expect((await call('POST', `/api/v1/courses/${course.slug}/enroll`, { token: student.token })).status).toBe(409)
  })

  test('edit, lessons, reorder, publish, archive, students and stats by slug', async () => {
    const { course, instructor } = await makeCourse()
    const token = instructor.token
    const s = course.slug
    const lesson = await call('POST', `/api/v1/courses/${s}/lessons`, { token, body: { title: 'By slug', content: 'x' } })
    expect(lesson.status).toBe(201)
    expect(lesson.body.course_id).toBe(course.id)
    expect((await call('POST', `/api/v1/courses/${s}/lessons/reorder`, { token, body: { lesson_ids: [lesson.body.id] } })).status).toBe(200)
    const patched = await call('PATCH', `/api/v1/courses/${s}`, { token, body: { summary: 'Edited by slug' } })
    expect(patched.status).toBe(200)
    expect(patched.body.summary).toBe('Edited by slug')
    expect((await call('POST', `/api/v1/courses/${s}/publish`, { token })).body.status).toBe('published')
    expect((await call('GET', `/api/v1/courses/${s}/students`, { token })).status).toBe(200)
    const stats = await call('GET', `/api/v1/courses/${s}/stats`, { token })
    expect(stats.status).toBe(200)
    expect(stats.body.course_id).toBe(course.id)
    expect((await call('POST', `/api/v1/courses/${s}/archive`, { token })).body.status).toBe('archived')
  })

  test('an unknown slug is 404 for the caller and 401 without a token; garbage is 422', async () => {
    const student = await newUser()
    const missing = await call('POST', '/api/v1/courses/no-such-course-anywhere/enroll', { token: student.token })
    expect(missing.status).toBe(404)
    expect(missing.body.error.code).toBe('not_found')
    expect((await call('POST', '/api/v1/courses/no-such-course-anywhere/enroll')).status).toBe(401)
    expect((await call('POST', '/api/v1/courses/Not%20A%20Slug!/enroll', { token: student.token })).status).toBe(422)
  })

  test("someone else's course by slug is refused exactly as by id, and not edited", async () => {
    const { course, instructor } = await makeCourse({ lessons: 1, publish: true })
    const other = await newUser({ role: 'instructor' })
    const bySlug = await call('PATCH', `/api/v1/courses/${course.slug}`, { token: other.token, body: { summary: 'hijack' } })
    const byId = await call('PATCH', `/api/v1/courses/${course.id}`, { token: other.token, body: { summary: 'hijack' } })
    expect(bySlug.status).toBe(403)
    expect(byId.status).toBe(403)
    expect((await call('GET', `/api/v1/courses/${course.id}`, { token: instructor.token })).body.summary).not.toBe('hijack')
  })
})
