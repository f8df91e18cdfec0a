import { afterAll, describe, expect, test } from 'bun:test'
import { call, testAppWith } from '../helpers/app'
import { startFakeOpenAI } from '../helpers/openai'
import { correctAnswers, enrolledStudent, makeCourse, quizBody } from './fixtures'

async function courseWithQuiz(over: Record<string, unknown> = {}) {
  const c = await makeCourse({ lessons: 1, publish: true })
  const q = await call('PUT', `/api/v1/lessons/${c.lessons[0].id}/quiz`, { token: c.instructor.token, body: quizBody(over) })
  if (q.status !== 200) throw new Error(`put quiz: ${q.status} ${q.text}`)
  return { ...c, quiz: q.body }
}
const wrong = (quiz: any) => quiz.questions.map((q: any) => ({ question_id: q.id, text: 'nope' }))
const start = (quizId: string, token: string) => call('POST', `/api/v1/quizzes/${quizId}/attempts`, { token })
const keyOf = (quiz: any) => ({ mc: quiz.questions[0].options.find((o: any) => o.is_correct).id })

describe('show_correct_answers', () => {
  test('"never" (default): no correct answers anywhere', async () => {
    const { quiz, course } = await courseWithQuiz()
    expect(quiz.show_correct_answers).toBe('never')
    const { student } = await enrolledStudent(course.id)
    const a = await start(quiz.id, student.token)
    const s = await call('POST', `/api/v1/attempts/${a.body.id}/submit`, { token: student.token, body: { answers: wrong(quiz) } })
    expect(JSON.stringify(s.body)).not.toContain('correct_option_id')
    expect(JSON.stringify(s.body)).not.toContain('Paris')
    const got = await call('GET', `/api/v1/attempts/${a.body.id}`, { token: student.token })
    expect(JSON.stringify(got.body)).not.toContain('correct_answer')
  })

  test('"after_submit": in the submit result and GET /attempts/:id — but not while another attempt is in progress', async () => {
    const { quiz, course } = await courseWithQuiz({ show_correct_answers: 'after_submit' })
    expect(quiz.show_correct_answers).toBe('after_submit')
    const { student } = await enrolledStudent(course.id)
    const a = await start(quiz.id, student.token)
    expect(JSON.stringify((await call('GET', `/api/v1/attempts/${a.body.id}`, { token: student.token })).body)).not.toContain('correct_option_id')
    const s = await call('POST', `/api/v1/attempts/${a.body.id}/submit`, { token: student.token, body: { answers: wrong(quiz) } })
    expect(s.body.passed).toBe(false)
    expect(s.body.results[0]).toMatchObject({ question_id: quiz.questions[0].id, correct_option_id: keyOf(quiz).mc })
    expect(s.body.results[1]).toMatchObject({ correct_answer: 'true' })
    expect(s.body.results[2]).toMatchObject({ correct_answer: 'Paris' })
    const got = await call('GET', `/api/v1/attempts/${a.body.id}`, { token: student.token })
    expect(got.body.results[2].correct_answer).toBe('Paris')
    const b = await start(quiz.id, student.token)
    expect(b.status).toBe(201)
    const during = await call('GET', `/api/v1/attempts/${a.body.id}`, { token: student.token })
    expect(JSON.stringify(during.body)).not.toContain('Paris')
    expect(JSON.stringify(during.body)).not.toContain('correct_option_id')
    const list = await call('GET', `/api/v1/quizzes/${quiz.id}/attempts`, { token: student.token })
    expect(JSON.stringify(list.body)).not.toContain('Paris')
  })

  test('"after_pass": hidden after a fail, shown once the learner passed', async () => {
    const { quiz, course } = await courseWithQuiz({ show_correct_answers: 'after_pass' })
    const { student } = await enrolledStudent(course.id)
    const a = await start(quiz.id, student.token)
    const failed = await call('POST', `/api/v1/attempts/${a.body.id}/submit`, { token: student.token, body: { answers: wrong(quiz) } })
    expect(JSON.stringify(failed.body)).not.toContain('Paris')
    const b = await start(quiz.id, student.token)
    const passed = await call('POST', `/api/v1/attempts/${b.body.id}/submit`, { token: student.token, body: { answers: correctAnswers(quiz) } })
    expect(passed.body.results[2].correct_answer).toBe('Paris')
    expect((await call('GET', `/api/v1/attempts/${a.body.id}`, { token: student.token })).body.results[0].correct_option_id).toBe(keyOf(quiz).mc)
  })
})

describe('released answers and the AI mentor', () => {
  test("never reach the mentor's context, even once released to the learner", async () => {
    const fake = await startFakeOpenAI()
    afterAll(() => fake.close())
    const { app } = await testAppWith(fake.env())
    const { quiz, course } = await courseWithQuiz({ show_correct_answers: 'after_submit' })
    const { student } = await enrolledStudent(course.id)
    const a = await start(quiz.id, student.token)
    const s = await call('POST', `/api/v1/attempts/${a.body.id}/submit`, { token: student.token, body: { answers: wrong(quiz) } })
    expect(s.body.results[2].correct_answer).toBe('Paris')
    const r = await call('POST', '/api/v1/ai/chat', { token: student.token, body: { message: 'What did I get wrong?', course_id: course.id } }, app)
    expect(r.status).toBe(200)
    const prompt = JSON.stringify(fake.requests.at(-1)!.messages)
    expect(prompt).toContain(course.title)
    expect(prompt).not.toContain('Paris')
    expect(prompt).not.toContain(keyOf(quiz).mc)
  })
})
