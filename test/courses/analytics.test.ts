import { describe, expect, test } from 'bun:test'
import { call, testApp } from '../helpers/app'
import { revokeCourseAccess } from '../../src/courses/public'
import { newUser } from '../helpers/factories'
import { correctAnswers, enrolledStudent, makeCourse, quizBody } from './fixtures'

describe('GET /courses/:id/analytics', () => {
  test('funnel, per-lesson started/completed, per-question attempts, correct rate and average points; follows a regrade', async () => {
    const { course, lessons, instructor } = await makeCourse({ lessons: 2 })
    const put = await call('PUT', `/api/v1/lessons/${lessons[0].id}/quiz`, { token: instructor.token, body: quizBody() })
    const quiz = put.body
    await call('POST', `/api/v1/courses/${course.id}/publish`, { token: instructor.token })
    const url = `/api/v1/courses/${course.id}/analytics`
    const empty = await call('GET', url, { token: instructor.token })
    expect(empty.status).toBe(200)
    expect(empty.body).toMatchObject({ enrolled: 0, started: 0, completed: 0 })
    expect(empty.body.questions[0]).toMatchObject({ quiz_id: quiz.id, question_id: quiz.questions[0].id, prompt: '2+2?', attempts: 0, correct_rate: null, average_points: null })

    const { student: s1 } = await enrolledStudent(course.id)
    const { student: s2 } = await enrolledStudent(course.id)
    await enrolledStudent(course.id)
    const run = async (token: string, answers: unknown[]) => {
      const a = await call('POST', `/api/v1/quizzes/${quiz.id}/attempts`, { token })
      return call('POST', `/api/v1/attempts/${a.body.id}/submit`, { token, body: { answers } })
    }
    await run(s1.token, correctAnswers(quiz))
    await call('POST', `/api/v1/lessons/${lessons[1].id}/complete`, { token: s1.token })
    await call('PUT', `/api/v1/lessons/${lessons[0].id}/progress`, { token: s2.token, body: { progress_percent: 50 } })
    const wrongMc = correctAnswers(quiz).map((a: any, i: number) => (i === 0 ? { ...a, option_id: quiz.questions[0].options.find((o: any) => !o.is_correct).id } : i === 2 ? { ...a, text: 'Lyon' } : a))
    await run(s2.token, wrongMc)

    const r = await call('GET', url, { token: instructor.token })
    expect(r.body).toMatchObject({ enrolled: 3, started: 2, completed: 1 })
    expect(r.body.lessons).toEqual([
      { lesson_id: lessons[0].id, title: 'Lesson 1', started: 2, completed: 1 },
      { lesson_id: lessons[1].id, title: 'Lesson 2', started: 1, completed: 1 },
    ])
    expect(r.body.questions.map((q: any) => [q.attempts, q.correct_rate, q.average_points])).toEqual([[2, 0.5, 1], [2, 1, 1], [2, 0.5, 1]])
    // a regrade that makes "3" the right option worth 4 points moves the first question's numbers
    const body = { ...quizBody(), questions: quiz.questions.map((q: any, i: number) => ({ id: q.id, type: q.type, prompt: q.prompt, points: i === 0 ? 4 : q.points, ...(i === 0 ? { options: q.options.map((o: any) => ({ id: o.id, text: o.text, is_correct: !o.is_correct })) } : { answer: q.answer }) })) }
    await call('PUT', `/api/v1/lessons/${lessons[0].id}/quiz`, { token: instructor.token, body })
    await call('POST', `/api/v1/quizzes/${quiz.id}/regrade`, { token: instructor.token, body: { dry_run: false } })
    const after = await call('GET', url, { token: instructor.token })
    expect(after.body.questions[0]).toMatchObject({ attempts: 2, correct_rate: 0.5, average_points: 2 })
    expect(after.body.questions.map((q: any) => q.question_id)).toEqual(quiz.questions.map((q: any) => q.id))

    // a refund revokes s1's enrollment: the funnel drops it
    await revokeCourseAccess((await testApp()).deps.sql, { userId: s1.id, courseId: course.id })
    expect((await call('GET', url, { token: instructor.token })).body).toMatchObject({ enrolled: 2, started: 1, completed: 0 })
    const stranger = await newUser({ role: 'instructor' })
    expect((await call('GET', url, { token: stranger.token })).status).toBe(403)
    expect((await call('GET', `/api/v1/courses/${crypto.randomUUID()}/analytics`, { token: instructor.token })).status).toBe(404)
    expect((await call('GET', url)).status).toBe(401)
  })
})
