import { describe, expect, test } from 'bun:test'
import { call, testApp, testWorkers, waitFor } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { correctAnswers, enrolledStudent, makeCourse, quizBody } from './fixtures'

/** A published course whose only lesson has a quiz; returns the owner's view of the quiz. */
async function courseWithQuiz(over: Record<string, unknown> = {}) {
  const c = await makeCourse({ lessons: 1, publish: true })
  const q = await call('PUT', `/api/v1/lessons/${c.lessons[0].id}/quiz`, { token: c.instructor.token, body: quizBody(over) })
  if (q.status !== 200) throw new Error(`put quiz: ${q.status} ${q.text}`)
  return { ...c, quiz: q.body, lesson: c.lessons[0] }
}

const outbox = async (userId: string, type: string) => {
  const { deps } = await testApp()
  return deps.sql<{ payload: any }[]>`select payload from outbox where type = ${type} and payload->>'user_id' = ${userId} order by id`
}

describe('PUT /lessons/:id/quiz', () => {
  test('owner creates/replaces with answers; per-type rules → 422; others 403', async () => {
    const c = await makeCourse({ lessons: 1, publish: true })
    const url = `/api/v1/lessons/${c.lessons[0].id}/quiz`
    const r = await call('PUT', url, { token: c.instructor.token, body: quizBody({ max_attempts: 3, time_limit_seconds: 600, grading_policy: 'last' }) })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ lesson_id: c.lessons[0].id, title: 'Check', pass_percentage: 60, max_attempts: 3, time_limit_seconds: 600, grading_policy: 'last', shuffle: false })
    expect(r.body.questions.map((q: any) => q.type)).toEqual(['multiple_choice', 'true_false', 'short_answer'])
    expect(r.body.questions[0].options.filter((o: any) => o.is_correct)).toHaveLength(1)
    expect(r.body.questions[2].answer).toBe('Paris')
    const twoCorrect = quizBody({ questions: [{ type: 'multiple_choice', prompt: 'x', points: 1, options: [{ text: 'a', is_correct: true }, { text: 'b', is_correct: true }] }] })
    const bad1 = await call('PUT', url, { token: c.instructor.token, body: twoCorrect })
    expect(bad1.status).toBe(422)
    expect(bad1.body.error.details[0].field).toBe('questions.0.options')
    const bad2 = await call('PUT', url, { token: c.instructor.token, body: quizBody({ questions: [{ type: 'true_false', prompt: 'x', points: 1, answer: 'maybe' }] }) })
    expect(bad2.status).toBe(422)
    const bad3 = await call('PUT', url, { token: c.instructor.token, body: quizBody({ questions: [{ type: 'riddle', prompt: 'x' }] }) })
    expect(bad3.status).toBe(422)
    const student = await newUser()
    expect((await call('PUT', url, { token: student.token, body: quizBody() })).status).toBe(403)
  })
})

describe('attempts', () => {
  test('start 201 then 200 with the same attempt; questions without answers; pass completes the lesson', async () => {
    const { quiz, lesson, course } = await courseWithQuiz()
    const { student, enrollment } = await enrolledStudent(course.id)
    const a = await call('POST', `/api/v1/quizzes/${quiz.id}/attempts`, { token: student.token })
    expect(a.status).toBe(201)
    expect(a.body).toMatchObject({ status: 'in_progress', quiz_id: quiz.id, attempt_number: 1, expires_at: null, score: null })
    expect(JSON.stringify(a.body.questions)).not.toContain('is_correct')
    expect(JSON.stringify(a.body.questions)).not.toContain('Paris')
    const again = await call('POST', `/api/v1/quizzes/${quiz.id}/attempts`, { token: student.token })
    expect(again.status).toBe(200)
    expect(again.body.id).toBe(a.body.id)
    const answers = correctAnswers(quiz).map((x: any, i: number) => (i === 2 ? { ...x, text: '  pARIS ' } : i === 1 ? { ...x, text: 'TRUE' } : x))
    const s = await call('POST', `/api/v1/attempts/${a.body.id}/submit`, { token: student.token, body: { answers } })
    expect(s.status).toBe(200)
    expect(s.body).toMatchObject({ score: 5, max_score: 5, percentage: 100, passed: true, status: 'submitted' })
    expect(s.body.results.every((r: any) => r.correct)).toBe(true)
    const p = await call('GET', `/api/v1/enrollments/${enrollment.id}`, { token: student.token })
    expect(p.body).toMatchObject({ status: 'completed', completed_lessons_count: 1 })
    expect(p.body.lessons[0]).toMatchObject({ lesson_id: lesson.id, status: 'completed' })
    const [passed] = await outbox(student.id, 'quiz.passed')
    expect(passed!.payload).toEqual({ user_id: student.id, quiz_id: quiz.id, lesson_id: lesson.id, course_id: course.id, attempt_id: a.body.id, score: 5, max_score: 5, percentage: 100 })
    const closed = await call('POST', `/api/v1/attempts/${a.body.id}/submit`, { token: student.token, body: { answers } })
    expect(closed.status).toBe(409)
    const got = await call('GET', `/api/v1/attempts/${a.body.id}`, { token: student.token })
    expect(got.body).toMatchObject({ status: 'submitted', passed: true, percentage: 100 })
    expect(got.body.submitted_at).toBeString()
  })

  test('wrong answers fail (quiz.failed), not enrolled → 403, another student → 404 everywhere', async () => {
    const { quiz, course } = await courseWithQuiz()
    const { student } = await enrolledStudent(course.id)
    const stranger = await newUser()
    expect((await call('POST', `/api/v1/quizzes/${quiz.id}/attempts`, { token: stranger.token })).status).toBe(403)
    const a = await call('POST', `/api/v1/quizzes/${quiz.id}/attempts`, { token: student.token })
    const { student: other } = await enrolledStudent(course.id)
    expect((await call('GET', `/api/v1/attempts/${a.body.id}`, { token: other.token })).status).toBe(404)
    expect((await call('PUT', `/api/v1/attempts/${a.body.id}/answers`, { token: other.token, body: { answers: [] } })).status).toBe(404)
    expect((await call('POST', `/api/v1/attempts/${a.body.id}/submit`, { token: other.token, body: { answers: [] } })).status).toBe(404)
    expect((await call('GET', `/api/v1/quizzes/${quiz.id}/attempts`, { token: other.token })).body.items).toEqual([])
    const s = await call('POST', `/api/v1/attempts/${a.body.id}/submit`, { token: student.token, body: { answers: [{ question_id: quiz.questions[1].id, text: 'false' }] } })
    expect(s.body).toMatchObject({ score: 0, max_score: 5, passed: false })
    expect(await outbox(student.id, 'quiz.failed')).toHaveLength(1)
    const bad = await call('POST', `/api/v1/quizzes/${quiz.id}/attempts`, { token: student.token })
    const unknownQ = await call('POST', `/api/v1/attempts/${bad.body.id}/submit`, { token: student.token, body: { answers: [{ question_id: crypto.randomUUID(), text: 'x' }] } })
    expect(unknownQ.status).toBe(422)
  })

  test('editing the quiz never changes an attempt already started', async () => {
    const { quiz, course, lesson, instructor } = await courseWithQuiz()
    const { student } = await enrolledStudent(course.id)
    const a = await call('POST', `/api/v1/quizzes/${quiz.id}/attempts`, { token: student.token })
    await call('PUT', `/api/v1/lessons/${lesson.id}/quiz`, { token: instructor.token, body: quizBody({ questions: [{ type: 'essay', prompt: 'New', points: 10 }] }) })
    const got = await call('GET', `/api/v1/attempts/${a.body.id}`, { token: student.token })
    expect(got.body.questions.map((q: any) => q.id)).toEqual(quiz.questions.map((q: any) => q.id))
    const s = await call('POST', `/api/v1/attempts/${a.body.id}/submit`, { token: student.token, body: { answers: correctAnswers(quiz) } })
    expect(s.body).toMatchObject({ passed: true, max_score: 5 })
  })

  test('10 concurrent starts never exceed max_attempts', async () => {
    const { quiz, course } = await courseWithQuiz({ max_attempts: 2 })
    const { student } = await enrolledStudent(course.id)
    const burst = () => Promise.all(Array.from({ length: 10 }, () => call('POST', `/api/v1/quizzes/${quiz.id}/attempts`, { token: student.token })))
    for (const round of [1, 2]) {
      const rs = await burst()
      expect(rs.filter((r) => r.status === 201)).toHaveLength(1)
      expect(rs.filter((r) => r.status === 200)).toHaveLength(9)
      expect(new Set(rs.map((r) => r.body.id)).size).toBe(1)
      expect(rs[0]!.body.attempt_number).toBe(round)
      await call('POST', `/api/v1/attempts/${rs[0]!.body.id}/submit`, { token: student.token, body: { answers: [] } })
    }
    const last = await burst()
    expect(last.every((r) => r.status === 409 && r.body.error.code === 'max_attempts_exceeded')).toBe(true)
    const { deps } = await testApp()
    const [{ n }] = await deps.sql`select count(*)::int as n from quiz_attempts where quiz_id = ${quiz.id} and user_id = ${student.id}`
    expect(n).toBe(2)
  })

  test('grading policy: highest vs last', async () => {
    for (const policy of ['highest', 'last'] as const) {
      const { quiz, course } = await courseWithQuiz({ grading_policy: policy })
      const { student } = await enrolledStudent(course.id)
      const a1 = await call('POST', `/api/v1/quizzes/${quiz.id}/attempts`, { token: student.token })
      await call('POST', `/api/v1/attempts/${a1.body.id}/submit`, { token: student.token, body: { answers: correctAnswers(quiz) } })
      const a2 = await call('POST', `/api/v1/quizzes/${quiz.id}/attempts`, { token: student.token })
      await call('POST', `/api/v1/attempts/${a2.body.id}/submit`, { token: student.token, body: { answers: [] } })
      const list = await call('GET', `/api/v1/quizzes/${quiz.id}/attempts`, { token: student.token })
      expect(list.body.items.map((x: any) => x.id)).toEqual([a2.body.id, a1.body.id])
      expect(list.body.grade).toEqual(policy === 'highest' ? { attempt_id: a1.body.id, percentage: 100, passed: true } : { attempt_id: a2.body.id, percentage: 0, passed: false })
    }
  })

  test('essay → needs_review; owner review turns a fail into a pass and completes the lesson', async () => {
    const { quiz, course, instructor, lesson } = await courseWithQuiz({
      pass_percentage: 50,
      questions: [{ type: 'true_false', prompt: 'x', points: 1, answer: 'false' }, { type: 'essay', prompt: 'Explain', points: 5 }],
    })
    const { student, enrollment } = await enrolledStudent(course.id)
    const a = await call('POST', `/api/v1/quizzes/${quiz.id}/attempts`, { token: student.token })
    const s = await call('POST', `/api/v1/attempts/${a.body.id}/submit`, { token: student.token, body: { answers: [{ question_id: quiz.questions[1].id, text: 'Because.' }] } })
    expect(s.body).toMatchObject({ status: 'needs_review', passed: false, score: 0, max_score: 6 })
    expect(s.body.results[1]).toMatchObject({ needs_review: true, points: 0 })
    expect((await call('GET', `/api/v1/enrollments/${enrollment.id}`, { token: student.token })).body.completed_lessons_count).toBe(0)
    const url = `/api/v1/attempts/${a.body.id}/review`
    expect((await call('POST', url, { token: student.token, body: { question_id: quiz.questions[1].id, points: 5 } })).status).toBe(403)
    expect((await call('POST', url, { token: instructor.token, body: { question_id: quiz.questions[1].id, points: 9 } })).status).toBe(422)
    expect((await call('POST', url, { token: instructor.token, body: { question_id: quiz.questions[0].id, points: 1 } })).status).toBe(409)
    const owner = await call('GET', `/api/v1/attempts/${a.body.id}`, { token: instructor.token })
    expect(owner.body.answers[0].text).toBe('Because.')
    const r = await call('POST', url, { token: instructor.token, body: { question_id: quiz.questions[1].id, points: 4 } })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ status: 'submitted', passed: true, score: 4, max_score: 6, percentage: 66.67 })
    const e = await call('GET', `/api/v1/enrollments/${enrollment.id}`, { token: student.token })
    expect(e.body).toMatchObject({ status: 'completed', completed_lessons_count: 1 })
    expect(e.body.lessons[0]).toMatchObject({ lesson_id: lesson.id, status: 'completed' })
    expect(await outbox(student.id, 'quiz.passed')).toHaveLength(1)
  })
})

describe('time limits', () => {
  test('the server auto-submits saved answers when time runs out (maintenance job), then submit → 409 attempt_expired', async () => {
    await testWorkers()
    const { quiz, course } = await courseWithQuiz({ time_limit_seconds: 1 })
    const { student, enrollment } = await enrolledStudent(course.id)
    const a = await call('POST', `/api/v1/quizzes/${quiz.id}/attempts`, { token: student.token })
    expect(new Date(a.body.expires_at).getTime() - new Date(a.body.started_at).getTime()).toBe(1000)
    const saved = await call('PUT', `/api/v1/attempts/${a.body.id}/answers`, { token: student.token, body: { answers: correctAnswers(quiz).slice(0, 1) } })
    expect(saved.status).toBe(200)
    expect(saved.body.answers).toHaveLength(1)
    const { deps } = await testApp()
    // No client reads in between: only the delayed job can close it.
    const row = await waitFor(async () => (await deps.sql`select status, score, passed from quiz_attempts where id = ${a.body.id} and status <> 'in_progress'`)[0], { timeoutMs: 15000, intervalMs: 200, what: 'auto-submit' })
    expect(row).toMatchObject({ status: 'expired', score: 2, passed: false })
    const late = await call('POST', `/api/v1/attempts/${a.body.id}/submit`, { token: student.token, body: { answers: correctAnswers(quiz) } })
    expect(late.status).toBe(409)
    expect(late.body.error.code).toBe('attempt_expired')
    expect((await call('PUT', `/api/v1/attempts/${a.body.id}/answers`, { token: student.token, body: { answers: [] } })).status).toBe(409)
    expect((await call('GET', `/api/v1/enrollments/${enrollment.id}`, { token: student.token })).body.completed_lessons_count).toBe(0)
  }, 30000)

  test('a submit past the deadline and grace grades the saved answers (a pass counts) and answers 409', async () => {
    const { quiz, course } = await courseWithQuiz({ time_limit_seconds: 600 })
    const { student, enrollment } = await enrolledStudent(course.id)
    const a = await call('POST', `/api/v1/quizzes/${quiz.id}/attempts`, { token: student.token })
    await call('PUT', `/api/v1/attempts/${a.body.id}/answers`, { token: student.token, body: { answers: correctAnswers(quiz) } })
    const { deps } = await testApp()
    await deps.sql`update quiz_attempts set expires_at = now() - interval '6 seconds' where id = ${a.body.id}` // time has passed
    const late = await call('POST', `/api/v1/attempts/${a.body.id}/submit`, { token: student.token, body: { answers: [] } })
    expect(late.status).toBe(409)
    expect(late.body.error.code).toBe('attempt_expired')
    const got = await call('GET', `/api/v1/attempts/${a.body.id}`, { token: student.token })
    expect(got.body).toMatchObject({ status: 'expired', score: 5, passed: true })
    expect((await call('GET', `/api/v1/enrollments/${enrollment.id}`, { token: student.token })).body.status).toBe('completed')
  })

  test('within the grace period a submit is still accepted', async () => {
    const { quiz, course } = await courseWithQuiz({ time_limit_seconds: 600 })
    const { student } = await enrolledStudent(course.id)
    const a = await call('POST', `/api/v1/quizzes/${quiz.id}/attempts`, { token: student.token })
    const { deps } = await testApp()
    await deps.sql`update quiz_attempts set expires_at = now() - interval '2 seconds' where id = ${a.body.id}`
    const s = await call('POST', `/api/v1/attempts/${a.body.id}/submit`, { token: student.token, body: { answers: correctAnswers(quiz) } })
    expect(s.status).toBe(200)
    expect(s.body.status).toBe('submitted')
  })
})
