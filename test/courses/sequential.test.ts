import { describe, expect, test } from 'bun:test'
import { call } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { correctAnswers, enrolledStudent, makeCourse, quizBody } from './fixtures'

/** A sequential course: lesson 1, lesson 2 (with a quiz), lesson 3 (a preview), lesson 4. */
async function sequentialCourse() {
  const c = await makeCourse({ lessons: 4, body: { sequential: true } })
  expect(c.course.sequential).toBe(true)
  await call('PATCH', `/api/v1/lessons/${c.lessons[2].id}`, { token: c.instructor.token, body: { is_preview: true } })
  const quiz = await call('PUT', `/api/v1/lessons/${c.lessons[1].id}/quiz`, { token: c.instructor.token, body: quizBody() })
  await call('POST', `/api/v1/courses/${c.course.id}/publish`, { token: c.instructor.token })
  return { ...c, quiz: quiz.body }
}

const lockedBy = (r: any) => {
  expect(r.status).toBe(403)
  expect(r.body.error.code).toBe('lesson_locked')
  return r.body.error.details[0]
}

describe('sequential courses', () => {
  test('a lesson is locked until the one before it is completed: reads, progress, complete, quiz attempts; outline shows locked', async () => {
    const { course, lessons, instructor, quiz } = await sequentialCourse()
    const { student } = await enrolledStudent(course.id)
    const [l1, l2, l3, l4] = lessons
    const outline = await call('GET', `/api/v1/courses/${course.slug}`, { token: student.token })
    expect(outline.body.sequential).toBe(true)
    expect(outline.body.lessons.map((l: any) => l.locked)).toEqual([false, true, false, true])
    expect((await call('GET', `/api/v1/lessons/${l1.id}`, { token: student.token })).status).toBe(200)
    expect(lockedBy(await call('GET', `/api/v1/lessons/${l2.id}`, { token: student.token }))).toEqual({ field: 'lesson_id', message: l1.id })
    lockedBy(await call('PUT', `/api/v1/lessons/${l2.id}/progress`, { token: student.token, body: { progress_percent: 50 } }))
    lockedBy(await call('POST', `/api/v1/lessons/${l2.id}/complete`, { token: student.token }))
    expect(lockedBy(await call('POST', `/api/v1/quizzes/${quiz.id}/attempts`, { token: student.token })).message).toBe(l1.id)
    // previews are never locked (even for visitors); the owner never is
    expect((await call('GET', `/api/v1/lessons/${l3.id}`, { token: student.token })).status).toBe(200)
    expect((await call('GET', `/api/v1/lessons/${l3.id}`)).status).toBe(200)
    expect((await call('GET', `/api/v1/lessons/${l4.id}`, { token: instructor.token })).status).toBe(200)
    const owners = await call('GET', `/api/v1/courses/${course.id}`, { token: instructor.token })
    expect(owners.body.lessons.every((l: any) => l.locked !== true)).toBe(true)
    const anonymous = await call('GET', `/api/v1/courses/${course.id}`)
    expect(anonymous.body.lessons.every((l: any) => l.locked === undefined)).toBe(true)
    // complete lesson 1 → lesson 2 opens; its quiz gates lesson 4 (via 3? no: 3 is a preview, 4 needs 3)
    expect((await call('POST', `/api/v1/lessons/${l1.id}/complete`, { token: student.token })).status).toBe(200)
    expect((await call('GET', `/api/v1/lessons/${l2.id}`, { token: student.token })).status).toBe(200)
    const a = await call('POST', `/api/v1/quizzes/${quiz.id}/attempts`, { token: student.token })
    expect(a.status).toBe(201)
    await call('POST', `/api/v1/attempts/${a.body.id}/submit`, { token: student.token, body: { answers: correctAnswers(quiz) } })
    expect(lockedBy(await call('GET', `/api/v1/lessons/${l4.id}`, { token: student.token })).message).toBe(l3.id)
    expect((await call('PUT', `/api/v1/lessons/${l3.id}/progress`, { token: student.token, body: { progress_percent: 100 } })).status).toBe(200)
    expect((await call('GET', `/api/v1/lessons/${l4.id}`, { token: student.token })).status).toBe(200)
    const after = await call('GET', `/api/v1/courses/${course.id}`, { token: student.token })
    expect(after.body.lessons.map((l: any) => l.locked)).toEqual([false, false, false, false])
  })

  test('non-sequential by default; sequential can be switched on with PATCH; strangers still get 403 not_enrolled', async () => {
    const { course, lessons, instructor } = await makeCourse({ lessons: 2, publish: true })
    expect(course.sequential).toBe(false)
    const { student } = await enrolledStudent(course.id)
    expect((await call('GET', `/api/v1/lessons/${lessons[1].id}`, { token: student.token })).status).toBe(200)
    const patched = await call('PATCH', `/api/v1/courses/${course.id}`, { token: instructor.token, body: { sequential: true } })
    expect(patched.body.sequential).toBe(true)
    lockedBy(await call('GET', `/api/v1/lessons/${lessons[1].id}`, { token: student.token }))
    const stranger = await newUser()
    expect((await call('GET', `/api/v1/lessons/${lessons[1].id}`, { token: stranger.token })).body.error.code).toBe('not_enrolled')
    expect((await call('PATCH', `/api/v1/courses/${course.id}`, { token: instructor.token, body: { sequential: 'yes' } })).status).toBe(422)
  })
})
