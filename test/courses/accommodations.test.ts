import { describe, expect, test } from 'bun:test'
import { call } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { correctAnswers, enrolledStudent, makeCourse, quizBody } from './fixtures'

async function courseWithQuiz(over: Record<string, unknown> = {}) {
  const c = await makeCourse({ lessons: 1, publish: true })
  const q = await call('PUT', `/api/v1/lessons/${c.lessons[0].id}/quiz`, { token: c.instructor.token, body: quizBody(over) })
  if (q.status !== 200) throw new Error(`put quiz: ${q.status} ${q.text}`)
  return { ...c, quiz: q.body }
}
const wrong = (quiz: any) => quiz.questions.map((q: any) => ({ question_id: q.id, text: 'nope' }))

describe('accommodations', () => {
  test('PUT/GET by the owner; validation, 404 unknown learner, 403 others', async () => {
    const { quiz, course, instructor } = await courseWithQuiz({ max_attempts: 1 })
    const { student } = await enrolledStudent(course.id)
    const url = `/api/v1/quizzes/${quiz.id}/accommodations`
    expect((await call('GET', url, { token: instructor.token })).body.items).toEqual([])
    const put = await call('PUT', `${url}/${student.id}`, { token: instructor.token, body: { extra_attempts: 2, extra_time_seconds: 600 } })
    expect(put.status).toBe(200)
    expect(put.body).toMatchObject({ quiz_id: quiz.id, user: { id: student.id, display_name: student.display_name }, extra_attempts: 2, extra_time_seconds: 600 })
    const again = await call('PUT', `${url}/${student.id}`, { token: instructor.token, body: { extra_attempts: 1, extra_time_seconds: 0 } })
    expect(again.body).toMatchObject({ extra_attempts: 1, extra_time_seconds: 0 })
    const list = await call('GET', url, { token: instructor.token })
    expect(list.body.items).toHaveLength(1)
    expect(list.body.items[0]).toMatchObject({ user: { id: student.id }, extra_attempts: 1 })
    expect(JSON.stringify(list.body)).not.toContain('@')
    expect((await call('PUT', `${url}/${student.id}`, { token: instructor.token, body: { extra_attempts: 21, extra_time_seconds: 0 } })).status).toBe(422)
    expect((await call('PUT', `${url}/${student.id}`, { token: instructor.token, body: { extra_attempts: 0, extra_time_seconds: 86401 } })).status).toBe(422)
    expect((await call('PUT', `${url}/${crypto.randomUUID()}`, { token: instructor.token, body: { extra_attempts: 1, extra_time_seconds: 0 } })).status).toBe(404)
    expect((await call('PUT', `${url}/${student.id}`, { token: student.token, body: { extra_attempts: 5, extra_time_seconds: 0 } })).status).toBe(403)
    expect((await call('GET', url, { token: student.token })).status).toBe(403)
    expect((await call('GET', `/api/v1/quizzes/${crypto.randomUUID()}/accommodations`, { token: instructor.token })).status).toBe(404)
  })

  test('extra attempts and time apply to the next attempts, also under concurrent starts', async () => {
    const { quiz, course, instructor } = await courseWithQuiz({ max_attempts: 1, time_limit_seconds: 60 })
    const { student } = await enrolledStudent(course.id)
    const { student: other } = await enrolledStudent(course.id)
    await call('PUT', `/api/v1/quizzes/${quiz.id}/accommodations/${student.id}`, { token: instructor.token, body: { extra_attempts: 2, extra_time_seconds: 600 } })
    const used: string[] = []
    for (let round = 0; round < 3; round++) {
      const starts = await Promise.all(Array.from({ length: 6 }, () => call('POST', `/api/v1/quizzes/${quiz.id}/attempts`, { token: student.token })))
      expect(starts.filter((s) => s.status === 201)).toHaveLength(1)
      expect(new Set(starts.map((s) => s.body.id)).size).toBe(1)
      const a = starts[0]!.body
      const seconds = (Date.parse(a.expires_at) - Date.parse(a.started_at)) / 1000
      expect(seconds).toBeGreaterThan(655)
      expect(seconds).toBeLessThan(665)
      used.push(a.id)
      expect((await call('POST', `/api/v1/attempts/${a.id}/submit`, { token: student.token, body: { answers: wrong(quiz) } })).status).toBe(200)
    }
    expect(new Set(used).size).toBe(3)
    const over = await Promise.all(Array.from({ length: 5 }, () => call('POST', `/api/v1/quizzes/${quiz.id}/attempts`, { token: student.token })))
    expect(over.map((s) => s.status)).toEqual([409, 409, 409, 409, 409])
    expect(over[0]!.body.error.code).toBe('max_attempts_exceeded')
    // another learner has no accommodation: one attempt, the plain time limit
    const o = await call('POST', `/api/v1/quizzes/${quiz.id}/attempts`, { token: other.token })
    expect((Date.parse(o.body.expires_at) - Date.parse(o.body.started_at)) / 1000).toBeLessThan(65)
    await call('POST', `/api/v1/attempts/${o.body.id}/submit`, { token: other.token, body: { answers: correctAnswers(quiz) } })
    expect((await call('POST', `/api/v1/quizzes/${quiz.id}/attempts`, { token: other.token })).status).toBe(409)
  })
})
