import { describe, expect, test } from 'bun:test'
import { call, listenApp, testApp, testWorkers, waitFor } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { connectWs } from '../helpers/ws'
import { grantCourseAccess, issueCertificateForEnrollment, revokeCourseAccess } from '../../src/courses/public'
import { correctAnswers, enrolledStudent, makeCourse, quizBody } from './fixtures'

const NUMBER = /^CERT-\d{8}-[A-Z0-9]{6}$/

describe('certificates', () => {
  test('completion → certificate row, stored PDF, notification, verification; job twice → one certificate', async () => {
    await testWorkers()
    const { ws } = await listenApp()
    const { course, lessons } = await makeCourse({ lessons: 1, publish: true, body: { title: `Łódź für Anfänger — Grundkurs ${Date.now()}` } })
    const { student, enrollment } = await enrolledStudent(course.id, { display_name: 'Zoë Łukasiewicz' })
    const socket = await connectWs(`${ws}/api/v1/ws`, { authorization: `Bearer ${student.token}` })
    await socket.next('hello')
    expect((await call('GET', '/api/v1/me/certificates', { token: student.token })).body.items).toEqual([])
    await call('POST', `/api/v1/lessons/${lessons[0].id}/complete`, { token: student.token })
    const frame = await socket.next('notification', (d) => d.kind === 'certificate_issued', 15000)
    socket.close()
    const cert = frame.data.certificate
    expect(cert).toMatchObject({ course_id: course.id, course_title: course.title, enrollment_id: enrollment.id, revoked_at: null })
    expect(cert.number).toMatch(NUMBER)
    expect(cert.number.slice(5, 13)).toBe(new Date().toISOString().slice(0, 10).replace(/-/g, ''))
    const list = await call('GET', '/api/v1/me/certificates', { token: student.token })
    expect(list.body.items).toEqual([cert])
    const pdf = await call('GET', `/api/v1/certificates/${cert.id}/pdf`, { token: student.token })
    expect(pdf.status).toBe(200)
    expect(pdf.headers.get('content-type')).toBe('application/pdf')
    expect(pdf.text.startsWith('%PDF')).toBe(true)
    const other = await newUser()
    expect((await call('GET', `/api/v1/certificates/${cert.id}/pdf`, { token: other.token })).status).toBe(404)
    const v = await call('GET', `/api/v1/certificates/verify/${cert.number}`)
    expect(v.status).toBe(200)
    expect(v.body).toMatchObject({ valid: true, number: cert.number, learner_name: 'Zoë Łukasiewicz', course_title: course.title, issued_at: cert.issued_at })
    const e = await call('GET', `/api/v1/enrollments/${enrollment.id}`, { token: student.token })
    expect(e.body.certificate_issued_at).toBe(cert.issued_at)
    // the job again (twice, concurrently): same certificate, no second row
    const { deps } = await testApp()
    const again = await Promise.all([issueCertificateForEnrollment(deps, enrollment.id), issueCertificateForEnrollment(deps, enrollment.id)])
    expect(again.map((r: any) => r.certificate_id)).toEqual([cert.id, cert.id])
    const [{ n }] = await deps.sql`select count(*)::int as n from certificates where enrollment_id = ${enrollment.id}`
    expect(n).toBe(1)
    // a refund revokes it; verify then says valid: false
    await revokeCourseAccess(deps.sql, { userId: student.id, courseId: course.id })
    expect((await call('GET', `/api/v1/certificates/verify/${cert.number}`)).body.valid).toBe(false)
    const admin = await newUser({ role: 'admin' })
    expect((await call('POST', `/api/v1/admin/enrollments/${enrollment.id}/certificate`, { token: admin.token })).status).toBe(409)
    await grantCourseAccess(deps.sql, { userId: student.id, courseId: course.id })
    const reinstated = await call('POST', `/api/v1/admin/enrollments/${enrollment.id}/certificate`, { token: admin.token })
    expect(reinstated.status).toBe(200)
    expect(reinstated.body).toMatchObject({ id: cert.id, revoked_at: null })
    expect((await call('GET', `/api/v1/certificates/verify/${cert.number}`)).body.valid).toBe(true)
  }, 30000)

  test('admin issue: 409 not completed, 404 unknown, 403 for non-admins, 201 when completed', async () => {
    const { course, lessons, instructor } = await makeCourse({ lessons: 1, publish: true })
    await call('PUT', `/api/v1/lessons/${lessons[0].id}/quiz`, { token: instructor.token, body: quizBody() })
    const { student, enrollment } = await enrolledStudent(course.id)
    const admin = await newUser({ role: 'admin' })
    const url = `/api/v1/admin/enrollments/${enrollment.id}/certificate`
    const early = await call('POST', url, { token: admin.token })
    expect(early.status).toBe(409)
    expect((await call('POST', url, { token: student.token })).status).toBe(403)
    expect((await call('POST', `/api/v1/admin/enrollments/${crypto.randomUUID()}/certificate`, { token: admin.token })).status).toBe(404)
    const quiz = (await call('GET', `/api/v1/lessons/${lessons[0].id}`, { token: instructor.token })).body.quiz
    const a = await call('POST', `/api/v1/quizzes/${quiz.id}/attempts`, { token: student.token })
    await call('POST', `/api/v1/attempts/${a.body.id}/submit`, { token: student.token, body: { answers: correctAnswers(quiz) } })
    const issued = await call('POST', url, { token: admin.token })
    expect([200, 201]).toContain(issued.status) // the worker may have issued it first
    expect(issued.body.number).toMatch(NUMBER)
    expect((await call('GET', '/api/v1/me/certificates', { token: student.token })).body.items.map((c: any) => c.id)).toEqual([issued.body.id])
  })

  test('verify: unknown number → 404', async () => {
    expect((await call('GET', '/api/v1/certificates/verify/CERT-20260101-ZZZZZZ')).status).toBe(404)
    expect((await call('GET', '/api/v1/certificates/verify/nonsense')).status).toBe(404)
  })
})

describe('GET /courses/:id/students and /stats', () => {
  test('owner sees roster and stats; others 403', async () => {
    const { course, lessons, instructor } = await makeCourse({ lessons: 2, publish: true })
    await call('PUT', `/api/v1/lessons/${lessons[1].id}/quiz`, { token: instructor.token, body: quizBody() })
    const { student: s1 } = await enrolledStudent(course.id)
    const { student: s2 } = await enrolledStudent(course.id)
    await call('POST', `/api/v1/lessons/${lessons[0].id}/complete`, { token: s1.token })
    const quiz = (await call('GET', `/api/v1/lessons/${lessons[1].id}`, { token: instructor.token })).body.quiz
    const a = await call('POST', `/api/v1/quizzes/${quiz.id}/attempts`, { token: s1.token })
    await call('POST', `/api/v1/attempts/${a.body.id}/submit`, { token: s1.token, body: { answers: correctAnswers(quiz) } })
    const b = await call('POST', `/api/v1/quizzes/${quiz.id}/attempts`, { token: s2.token })
    await call('POST', `/api/v1/attempts/${b.body.id}/submit`, { token: s2.token, body: { answers: [] } })
    const roster = await call('GET', `/api/v1/courses/${course.id}/students`, { token: instructor.token })
    expect(roster.status).toBe(200)
    expect(roster.body.items.map((x: any) => [x.user.id, x.status, x.progress_percentage])).toEqual([[s2.id, 'active', 0], [s1.id, 'completed', 100]])
    expect(roster.body.items[0].user.email).toBeUndefined()
    const page1 = await call('GET', `/api/v1/courses/${course.id}/students?limit=1`, { token: instructor.token })
    const page2 = await call('GET', `/api/v1/courses/${course.id}/students?limit=1&cursor=${page1.body.next_cursor}`, { token: instructor.token })
    expect(page2.body.items.map((x: any) => x.user.id)).toEqual([s1.id])
    const stats = await call('GET', `/api/v1/courses/${course.id}/stats`, { token: instructor.token })
    expect(stats.body).toMatchObject({ course_id: course.id, enrollments: 2, active: 1, completed: 1, revoked: 0, completion_rate: 0.5, average_progress: 50, average_quiz_score: 50, graded_quiz_results: 2 })
    expect(stats.body.lessons.map((l: any) => l.completed_count)).toEqual([1, 1])
    const other = await newUser({ role: 'instructor' })
    expect((await call('GET', `/api/v1/courses/${course.id}/stats`, { token: other.token })).status).toBe(403)
    expect((await call('GET', `/api/v1/courses/${course.id}/students`, { token: s1.token })).status).toBe(403)
    const admin = await newUser({ role: 'admin' })
    expect((await call('GET', `/api/v1/courses/${course.id}/stats`, { token: admin.token })).status).toBe(200)
  })
})
