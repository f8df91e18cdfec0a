import { call } from '../helpers/app'
import { newUser, type TestUser } from '../helpers/factories'

let n = 0
export const uniqueTitle = (tag = 'Course') => `${tag} ${Date.now().toString(36)} ${++n}`

/** A course by a (new) instructor, with `lessons` lessons, optionally published. */
export async function makeCourse(opts: { instructor?: TestUser; lessons?: number; publish?: boolean; body?: Record<string, unknown> } = {}) {
  const instructor = opts.instructor ?? (await newUser({ role: 'instructor' }))
  const created = await call('POST', '/api/v1/courses', { token: instructor.token, body: { title: uniqueTitle(), ...opts.body } })
  if (created.status !== 201) throw new Error(`create course: ${created.status} ${created.text}`)
  const lessons: any[] = []
  for (let i = 0; i < (opts.lessons ?? 0); i++) {
    const r = await call('POST', `/api/v1/courses/${created.body.id}/lessons`, { token: instructor.token, body: { title: `Lesson ${i + 1}`, content: `# Lesson ${i + 1}`, duration_minutes: 5 } })
    if (r.status !== 201) throw new Error(`create lesson: ${r.status} ${r.text}`)
    lessons.push(r.body)
  }
  if (opts.publish) {
    const r = await call('POST', `/api/v1/courses/${created.body.id}/publish`, { token: instructor.token })
    if (r.status !== 200) throw new Error(`publish: ${r.status} ${r.text}`)
  }
  return { instructor, course: created.body, lessons }
}

/** A new student enrolled in a free published course. */
export async function enrolledStudent(courseId: string, opts: { display_name?: string } = {}) {
  const student = await newUser({ display_name: opts.display_name })
  const r = await call('POST', `/api/v1/courses/${courseId}/enroll`, { token: student.token })
  if (r.status !== 201) throw new Error(`enroll: ${r.status} ${r.text}`)
  return { student, enrollment: r.body }
}

export const quizBody = (over: Record<string, unknown> = {}) => ({
  title: 'Check',
  pass_percentage: 60,
  questions: [
    { type: 'multiple_choice', prompt: '2+2?', points: 2, options: [{ text: '3' }, { text: '4', is_correct: true }] },
    { type: 'true_false', prompt: 'Sky is blue', points: 1, answer: 'true' },
    { type: 'short_answer', prompt: 'Capital of France', points: 2, answer: 'Paris' },
  ],
  ...over,
})

/** Correct answers for a quiz as served to its owner (with answers). */
export function correctAnswers(quiz: any) {
  return quiz.questions.map((q: any) =>
    q.type === 'multiple_choice' ? { question_id: q.id, option_id: q.options.find((o: any) => o.is_correct).id } : { question_id: q.id, text: q.answer ?? 'essay text' })
}
