import { describe, expect, test } from 'bun:test'
import { call, listenApp, testApp, testWorkers, waitFor } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { connectWs } from '../helpers/ws'
import { correctAnswers, enrolledStudent, makeCourse, quizBody } from './fixtures'

const putQuiz = async (lessonId: string, token: string, body: unknown) => {
  const r = await call('PUT', `/api/v1/lessons/${lessonId}/quiz`, { token, body })
  if (r.status !== 200) throw new Error(`put quiz: ${r.status} ${r.text}`)
  return r.body
}

/** The owner's quiz view turned back into a PUT body, keeping every id. */
const asBody = (quiz: any, over: Record<string, unknown> = {}) => ({
  title: quiz.title, pass_percentage: quiz.pass_percentage, grading_policy: quiz.grading_policy,
  questions: quiz.questions.map((q: any) => ({
    id: q.id, type: q.type, prompt: q.prompt, points: q.points,
    ...(q.type === 'multiple_choice' ? { options: q.options.map((o: any) => ({ id: o.id, text: o.text, is_correct: o.is_correct })) } : { answer: q.answer }),
  })),
  ...over,
})

/** Moves the "correct" flag of the first (multiple-choice) question to its other option. */
const flipKey = (body: any) => ({
  ...body,
  questions: body.questions.map((q: any, i: number) => (i === 0 ? { ...q, options: q.options.map((o: any) => ({ ...o, is_correct: !o.is_correct })) } : i === 2 ? { ...q, answer: 'Lyon' } : q)),
})

const submit = async (quizId: string, token: string, answers: unknown[]) => {
  const a = await call('POST', `/api/v1/quizzes/${quizId}/attempts`, { token })
  if (a.status !== 201) throw new Error(`start: ${a.status} ${a.text}`)
  const s = await call('POST', `/api/v1/attempts/${a.body.id}/submit`, { token, body: { answers } })
  if (s.status !== 200) throw new Error(`submit: ${s.status} ${s.text}`)
  return { attempt: a.body, result: s.body }
}

const events = async (type: string, key: string, value: string) => {
  const { deps } = await testApp()
  return deps.sql<{ payload: any }[]>`select payload from outbox where type = ${type} and payload->>${key} = ${value} order by id`
}

describe('PUT /lessons/:id/quiz keeps ids', () => {
  test('unchanged and edited questions keep their ids (by id, by prompt); unknown ids → 422', async () => {
    const { instructor, lessons } = await makeCourse({ lessons: 1, publish: true })
    const first = await putQuiz(lessons[0].id, instructor.token, quizBody())
    const again = await putQuiz(lessons[0].id, instructor.token, quizBody())
    expect(again.questions.map((q: any) => q.id)).toEqual(first.questions.map((q: any) => q.id))
    expect(again.questions[0].options.map((o: any) => o.id)).toEqual(first.questions[0].options.map((o: any) => o.id))
    const edited = await putQuiz(lessons[0].id, instructor.token, flipKey(asBody(first, { title: 'Edited' })))
    expect(edited.questions.map((q: any) => q.id)).toEqual(first.questions.map((q: any) => q.id))
    expect(edited.questions[0].options.find((o: any) => o.is_correct).text).toBe('3')
    const bad = await call('PUT', `/api/v1/lessons/${lessons[0].id}/quiz`, { token: instructor.token, body: { ...asBody(first), questions: [{ ...asBody(first).questions[1], id: crypto.randomUUID() }] } })
    expect(bad.status).toBe(422)
    expect(bad.body.error.details[0].field).toBe('questions.0.id')
  })
})

describe('POST /quizzes/:id/regrade', () => {
  test('pass → fail on a completed course: dry run, then apply revokes the certificate, re-opens the enrollment, keeps XP, notifies', async () => {
    await testWorkers()
    const { ws } = await listenApp()
    const { instructor, course, lessons } = await makeCourse({ lessons: 1, publish: true })
    const quiz = await putQuiz(lessons[0].id, instructor.token, quizBody())
    const { student, enrollment } = await enrolledStudent(course.id)
    const { attempt } = await submit(quiz.id, student.token, correctAnswers(quiz))
    const cert = await waitFor(async () => (await call('GET', '/api/v1/me/certificates', { token: student.token })).body.items[0], { timeoutMs: 15000, what: 'certificate' })
    const xp = await waitFor(async () => { const p = await call('GET', '/api/v1/me/progress', { token: student.token }); return p.body.xp > 0 ? p.body.xp : 0 }, { what: 'xp' })
    await putQuiz(lessons[0].id, instructor.token, flipKey(asBody(quiz)))

    const url = `/api/v1/quizzes/${quiz.id}/regrade`
    const student2 = await newUser()
    expect((await call('POST', url, { token: student2.token, body: { dry_run: true } })).status).toBe(403)
    expect((await call('POST', `/api/v1/quizzes/${crypto.randomUUID()}/regrade`, { token: instructor.token, body: { dry_run: true } })).status).toBe(404)
    expect((await call('POST', url, { token: instructor.token, body: { dry_run: true, question_ids: [crypto.randomUUID()] } })).status).toBe(422)
    expect((await call('POST', url, { token: instructor.token, body: {} })).status).toBe(422)

    const dry = await call('POST', url, { token: instructor.token, body: { dry_run: true } })
    expect(dry.status).toBe(200)
    expect(dry.body).toEqual({ dry_run: true, attempts_affected: 1, changes: [{ attempt_id: attempt.id, user_id: student.id, old_score: 5, new_score: 1, old_passed: true, new_passed: false }] })
    expect((await call('GET', `/api/v1/attempts/${attempt.id}`, { token: student.token })).body.passed).toBe(true)
    expect((await call('GET', `/api/v1/quizzes/${quiz.id}/regrades`, { token: instructor.token })).body.items).toEqual([])

    const socket = await connectWs(`${ws}/api/v1/ws`, { authorization: `Bearer ${student.token}` })
    await socket.next('hello')
    const applied = await call('POST', url, { token: instructor.token, body: { dry_run: false } })
    expect(applied.status).toBe(200)
    expect(applied.body).toMatchObject({ dry_run: false, attempts_affected: 1 })
    expect(applied.body.regrade_id).toBeString()
    const note = await socket.next('notification', (d) => d.kind === 'quiz_regraded', 15000)
    socket.close()
    expect(note.data).toEqual({ kind: 'quiz_regraded', quiz_id: quiz.id, attempt_id: attempt.id, passed: false })

    const got = await call('GET', `/api/v1/attempts/${attempt.id}`, { token: student.token })
    expect(got.body).toMatchObject({ score: 1, passed: false, percentage: 20 })
    const e = await call('GET', `/api/v1/enrollments/${enrollment.id}`, { token: student.token })
    expect(e.body).toMatchObject({ status: 'active', completed_at: null, completed_lessons_count: 0, certificate_issued_at: null })
    expect(e.body.lessons[0]).toMatchObject({ lesson_id: lessons[0].id, status: 'in_progress' })
    expect((await call('GET', `/api/v1/certificates/verify/${cert.number}`)).body.valid).toBe(false)
    expect((await call('GET', '/api/v1/me/progress', { token: student.token })).body.xp).toBe(xp)
    // a second apply changes nothing
    expect((await call('POST', url, { token: instructor.token, body: { dry_run: false } })).body.attempts_affected).toBe(0)
    const runs = await call('GET', `/api/v1/quizzes/${quiz.id}/regrades`, { token: instructor.token })
    expect(runs.status).toBe(200)
    expect(runs.body.items).toHaveLength(2)
    expect(runs.body.items[1]).toMatchObject({ id: applied.body.regrade_id, by: instructor.id, question_ids: null, attempts_affected: 1 })
    expect((await call('GET', `/api/v1/quizzes/${quiz.id}/regrades`, { token: student.token })).status).toBe(403)
    // the key put back and regraded: the course completes again and the same certificate is valid again
    await putQuiz(lessons[0].id, instructor.token, asBody(quiz))
    const back = await call('POST', url, { token: instructor.token, body: { dry_run: false } })
    expect(back.body.changes[0]).toMatchObject({ attempt_id: attempt.id, new_score: 5, new_passed: true })
    const again = await call('GET', `/api/v1/enrollments/${enrollment.id}`, { token: student.token })
    expect(again.body).toMatchObject({ status: 'completed', certificate_issued_at: cert.issued_at })
    expect((await call('GET', `/api/v1/certificates/verify/${cert.number}`)).body.valid).toBe(true)
    expect((await call('GET', '/api/v1/me/certificates', { token: student.token })).body.items).toMatchObject([{ id: cert.id, revoked_at: null }])
  }, 40000)

  test('fail → pass, concurrently with the learner submitting a new attempt: both kept, lesson and course complete once, certificate issued', async () => {
    await testWorkers()
    const { instructor, course, lessons } = await makeCourse({ lessons: 1, publish: true })
    const quiz = await putQuiz(lessons[0].id, instructor.token, quizBody())
    const { student, enrollment } = await enrolledStudent(course.id)
    // the learner picks "3" and "Lyon": wrong under the first key, right under the fixed one
    const mine = quiz.questions.map((q: any, i: number) => (i === 0 ? { question_id: q.id, option_id: q.options.find((o: any) => !o.is_correct).id } : i === 1 ? { question_id: q.id, text: 'true' } : { question_id: q.id, text: 'Lyon' }))
    const first = await submit(quiz.id, student.token, mine)
    expect(first.result.passed).toBe(false)
    const second = await call('POST', `/api/v1/quizzes/${quiz.id}/attempts`, { token: student.token })
    const fixed = await putQuiz(lessons[0].id, instructor.token, flipKey(asBody(quiz)))
    expect(fixed.questions[0].id).toBe(quiz.questions[0].id)
    const [regrade, sub] = await Promise.all([
      call('POST', `/api/v1/quizzes/${quiz.id}/regrade`, { token: instructor.token, body: { dry_run: false, question_ids: [quiz.questions[0].id, quiz.questions[2].id] } }),
      call('POST', `/api/v1/attempts/${second.body.id}/submit`, { token: student.token, body: { answers: mine } }),
    ])
    expect(regrade.status).toBe(200)
    expect(sub.status).toBe(200)
    const a1 = await call('GET', `/api/v1/attempts/${first.attempt.id}`, { token: student.token })
    expect(a1.body).toMatchObject({ score: 5, passed: true })
    // the submit is kept: graded with its own (old) key, or, when the regrade ran after it, rescored with the new one
    const a2 = await call('GET', `/api/v1/attempts/${second.body.id}`, { token: student.token })
    expect(a2.body.status).toBe('submitted')
    const a2Change = regrade.body.changes.find((c: any) => c.attempt_id === second.body.id)
    expect(a2.body.score).toBe(a2Change ? a2Change.new_score : sub.body.score)
    if (a2Change) expect(a2Change.old_score).toBe(sub.body.score)
    expect(regrade.body.changes.find((c: any) => c.attempt_id === first.attempt.id)).toMatchObject({ old_score: 1, new_score: 5, old_passed: false, new_passed: true })
    const e = await call('GET', `/api/v1/enrollments/${enrollment.id}`, { token: student.token })
    expect(e.body).toMatchObject({ status: 'completed', completed_lessons_count: 1 })
    expect(await events('lesson.completed', 'user_id', student.id)).toHaveLength(1)
    expect(await events('course.completed', 'enrollment_id', enrollment.id)).toHaveLength(1)
    expect((await events('quiz.regraded', 'user_id', student.id))[0]!.payload).toMatchObject({ quiz_id: quiz.id, passed: true })
    const cert = await waitFor(async () => (await call('GET', '/api/v1/me/certificates', { token: student.token })).body.items[0], { timeoutMs: 15000, what: 'certificate' })
    expect(cert).toMatchObject({ course_id: course.id, revoked_at: null })
  }, 40000)

  test('grading policy "last": a regrade of an earlier attempt does not change the outcome', async () => {
    const { instructor, course, lessons } = await makeCourse({ lessons: 1, publish: true })
    const quiz = await putQuiz(lessons[0].id, instructor.token, quizBody({ grading_policy: 'last' }))
    const { student, enrollment } = await enrolledStudent(course.id)
    const wrong = quiz.questions.map((q: any) => ({ question_id: q.id, text: 'nope' }))
    await submit(quiz.id, student.token, correctAnswers(quiz)) // pass (completes the lesson)
    await submit(quiz.id, student.token, wrong) // the last attempt: a fail
    expect((await call('GET', `/api/v1/enrollments/${enrollment.id}`, { token: student.token })).body.status).toBe('completed')
    await putQuiz(lessons[0].id, instructor.token, flipKey(asBody(quiz)))
    const r = await call('POST', `/api/v1/quizzes/${quiz.id}/regrade`, { token: instructor.token, body: { dry_run: false } })
    expect(r.body.changes).toHaveLength(1) // the first attempt turns into a fail; the last was already one
    const e = await call('GET', `/api/v1/enrollments/${enrollment.id}`, { token: student.token })
    expect(e.body.status).toBe('completed') // under "last" the learner's grade was already the fail
    expect(await events('quiz.regraded', 'user_id', student.id)).toHaveLength(1)
  })
})
