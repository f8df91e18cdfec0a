import type { Tx } from '../../platform/db'
import type { SnapshotQuestion } from './grading'
import type { PutQuiz } from './model'

export type QuizRow = {
  id: string; lesson_id: string; title: string; pass_percentage: number; time_limit_seconds: number | null
  max_attempts: number | null; grading_policy: 'highest' | 'last'; shuffle: boolean
}
export type QuizWithCourse = QuizRow & { course_id: string; instructor_id: string; course_status: string; price_cents: number; is_preview: boolean }

export async function findQuizByLesson(sql: Tx, lessonId: string): Promise<QuizRow | null> {
  const [row] = await sql<QuizRow[]>`select id, lesson_id, title, pass_percentage, time_limit_seconds, max_attempts, grading_policy, shuffle from quizzes where lesson_id = ${lessonId}`
  return row ?? null
}

export async function findQuizWithCourse(sql: Tx, id: string): Promise<QuizWithCourse | null> {
  const [row] = await sql<QuizWithCourse[]>`
    select q.id, q.lesson_id, q.title, q.pass_percentage, q.time_limit_seconds, q.max_attempts, q.grading_policy, q.shuffle,
      l.course_id, c.instructor_id, c.status as course_status, c.price_cents, l.is_preview
    from quizzes q join lessons l on l.id = q.lesson_id join courses c on c.id = l.course_id where q.id = ${id}`
  return row ?? null
}

export async function findQuestions(sql: Tx, quizId: string): Promise<SnapshotQuestion[]> {
  return sql<SnapshotQuestion[]>`select id, type, prompt, points, options, answer from quiz_questions where quiz_id = ${quizId} order by position`
}

/** Creates or replaces the quiz of a lesson and all its questions (attempts keep their snapshots). */
export async function upsertQuiz(sql: Tx, lessonId: string, b: PutQuiz): Promise<string> {
  const [quiz] = await sql<{ id: string }[]>`
    insert into quizzes (lesson_id, title, pass_percentage, time_limit_seconds, max_attempts, grading_policy, shuffle)
    values (${lessonId}, ${b.title}, ${b.pass_percentage}, ${b.time_limit_seconds ?? null}, ${b.max_attempts ?? null}, ${b.grading_policy ?? 'highest'}, ${b.shuffle ?? false})
    on conflict (lesson_id) do update set title = excluded.title, pass_percentage = excluded.pass_percentage,
      time_limit_seconds = excluded.time_limit_seconds, max_attempts = excluded.max_attempts,
      grading_policy = excluded.grading_policy, shuffle = excluded.shuffle, updated_at = now()
    returning id`
  await sql`delete from quiz_questions where quiz_id = ${quiz!.id}`
  for (const [i, qn] of b.questions.entries()) {
    const options = (qn.options ?? []).map((o) => ({ id: crypto.randomUUID(), text: o.text, is_correct: Boolean(o.is_correct) }))
    const answer = qn.type === 'true_false' ? qn.answer!.trim().toLowerCase() : qn.type === 'short_answer' ? qn.answer! : null
    await sql`insert into quiz_questions (quiz_id, position, type, prompt, points, options, answer)
      values (${quiz!.id}, ${i + 1}, ${qn.type}, ${qn.prompt}, ${qn.points ?? 1}, ${sql.json(options)}, ${answer})`
  }
  return quiz!.id
}

export async function deleteQuiz(sql: Tx, lessonId: string): Promise<boolean> {
  const rows = await sql`delete from quizzes where lesson_id = ${lessonId} returning id`
  return rows.length > 0
}

/** True once the learner has a passing attempt of the lesson's quiz (or the lesson has none). */
export async function quizGate(sql: Tx, userId: string, lessonId: string): Promise<{ hasQuiz: boolean; passed: boolean }> {
  const [row] = await sql<{ passed: boolean }[]>`
    select exists(select 1 from quiz_attempts a where a.quiz_id = q.id and a.user_id = ${userId} and a.passed) as passed
    from quizzes q where q.lesson_id = ${lessonId}`
  return row ? { hasQuiz: true, passed: row.passed } : { hasQuiz: false, passed: true }
}
