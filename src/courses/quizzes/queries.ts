import type { Tx } from '../../platform/db'
import type { SnapshotQuestion } from './grading'
import type { PutQuiz } from './model'
import type { KeyedQuestion } from './identity'

export type QuizRow = {
  id: string; lesson_id: string; title: string; pass_percentage: number; time_limit_seconds: number | null
  max_attempts: number | null; grading_policy: 'highest' | 'last'; shuffle: boolean
  show_correct_answers: 'never' | 'after_submit' | 'after_pass'
}
export type QuizWithCourse = QuizRow & { course_id: string; instructor_id: string; course_status: string; price_cents: number; is_preview: boolean }

export async function findQuizByLesson(sql: Tx, lessonId: string): Promise<QuizRow | null> {
  const [row] = await sql<QuizRow[]>`select id, lesson_id, title, pass_percentage, time_limit_seconds, max_attempts, grading_policy, shuffle, show_correct_answers from quizzes where lesson_id = ${lessonId}`
  return row ?? null
}

export async function findQuizWithCourse(sql: Tx, id: string): Promise<QuizWithCourse | null> {
  const [row] = await sql<QuizWithCourse[]>`
    select q.id, q.lesson_id, q.title, q.pass_percentage, q.time_limit_seconds, q.max_attempts, q.grading_policy, q.shuffle, q.show_correct_answers,
      l.course_id, c.instructor_id, c.status as course_status, c.price_cents, l.is_preview
    from quizzes q join lessons l on l.id = q.lesson_id join courses c on c.id = l.course_id where q.id = ${id}`
  return row ?? null
}

export async function findQuestions(sql: Tx, quizId: string): Promise<SnapshotQuestion[]> {
  return sql<SnapshotQuestion[]>`select id, type, prompt, points, options, answer from quiz_questions where quiz_id = ${quizId} order by position`
}

/** Creates or replaces the quiz of a lesson (attempts keep their snapshots); returns its id. */
export async function upsertQuizRow(sql: Tx, lessonId: string, b: PutQuiz): Promise<string> {
  const [quiz] = await sql<{ id: string }[]>`
    insert into quizzes (lesson_id, title, pass_percentage, time_limit_seconds, max_attempts, grading_policy, shuffle, show_correct_answers)
    values (${lessonId}, ${b.title}, ${b.pass_percentage}, ${b.time_limit_seconds ?? null}, ${b.max_attempts ?? null}, ${b.grading_policy ?? 'highest'},
      ${b.shuffle ?? false}, ${b.show_correct_answers ?? 'never'})
    on conflict (lesson_id) do update set title = excluded.title, pass_percentage = excluded.pass_percentage,
      time_limit_seconds = excluded.time_limit_seconds, max_attempts = excluded.max_attempts,
      grading_policy = excluded.grading_policy, shuffle = excluded.shuffle, show_correct_answers = excluded.show_correct_answers, updated_at = now()
    returning id`
  return quiz!.id
}

/** The quiz's questions, locked (an edit reads them to keep ids, then replaces them). */
export async function lockQuestions(sql: Tx, quizId: string): Promise<SnapshotQuestion[]> {
  return sql<SnapshotQuestion[]>`select id, type, prompt, points, options, answer from quiz_questions where quiz_id = ${quizId} order by position for update`
}

/** Replaces the question set: questions with a kept id are updated in place, others inserted, the rest deleted. */
export async function replaceQuestions(sql: Tx, quizId: string, questions: KeyedQuestion[]): Promise<void> {
  await sql`delete from quiz_questions where quiz_id = ${quizId} and not (id = any(${questions.map((q) => q.id)}::uuid[]))`
  for (const [i, qn] of questions.entries()) {
    const answer = qn.type === 'true_false' ? qn.answer!.trim().toLowerCase() : qn.type === 'short_answer' ? qn.answer! : null
    await sql`insert into quiz_questions (id, quiz_id, position, type, prompt, points, options, answer)
      values (${qn.id}, ${quizId}, ${i + 1}, ${qn.type}, ${qn.prompt}, ${qn.points ?? 1}, ${sql.json(qn.options)}, ${answer})
      on conflict (id) do update set position = excluded.position, type = excluded.type, prompt = excluded.prompt,
        points = excluded.points, options = excluded.options, answer = excluded.answer`
  }
}

export async function deleteQuiz(sql: Tx, lessonId: string): Promise<boolean> {
  const rows = await sql`delete from quizzes where lesson_id = ${lessonId} returning id`
  return rows.length > 0
}

/** True once the learner has a passing attempt of the lesson's quiz (or the lesson has none). */
export async function quizGate(sql: Tx, userId: string, lessonId: string): Promise<{ hasQuiz: boolean; passed: boolean; quizId: string | null }> {
  const [row] = await sql<{ passed: boolean; id: string }[]>`
    select q.id, exists(select 1 from quiz_attempts a where a.quiz_id = q.id and a.user_id = ${userId} and a.passed) as passed
    from quizzes q where q.lesson_id = ${lessonId}`
  return row ? { hasQuiz: true, passed: row.passed, quizId: row.id } : { hasQuiz: false, passed: true, quizId: null }
}
