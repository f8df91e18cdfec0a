import type { Tx } from '../../platform/db'
import type { Answer, QuestionResult, SnapshotQuestion } from '../quizzes/grading'

export type AttemptRow = {
  id: string; quiz_id: string; user_id: string; attempt_number: number
  status: 'in_progress' | 'submitted' | 'expired' | 'needs_review'
  questions: SnapshotQuestion[]; answers: Answer[]; results: QuestionResult[] | null; pass_percentage: number
  started_at: Date; expires_at: Date | null; submitted_at: Date | null
  score: number | null; max_score: number | null; percentage: number | null; passed: boolean | null
  lesson_id: string; course_id: string; instructor_id: string; show_correct_answers: 'never' | 'after_submit' | 'after_pass'
}

const selectAttempt = (sql: Tx) => sql`
  select a.*, q.lesson_id, l.course_id, c.instructor_id, q.show_correct_answers
  from quiz_attempts a join quizzes q on q.id = a.quiz_id join lessons l on l.id = q.lesson_id join courses c on c.id = l.course_id`

export async function findAttempt(sql: Tx, id: string, lock = false): Promise<AttemptRow | null> {
  const [row] = await sql<AttemptRow[]>`${selectAttempt(sql)} where a.id = ${id} ${lock ? sql`for update of a` : sql``}`
  return row ?? null
}

export async function findOpenAttempt(sql: Tx, quizId: string, userId: string): Promise<AttemptRow | null> {
  const [row] = await sql<AttemptRow[]>`${selectAttempt(sql)} where a.quiz_id = ${quizId} and a.user_id = ${userId} and a.status = 'in_progress' for update of a`
  return row ?? null
}

export async function listAttempts(sql: Tx, quizId: string, userId: string): Promise<AttemptRow[]> {
  return sql<AttemptRow[]>`${selectAttempt(sql)} where a.quiz_id = ${quizId} and a.user_id = ${userId} order by a.attempt_number desc limit 100`
}

export async function attemptsUsed(sql: Tx, quizId: string, userId: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select coalesce(max(attempt_number), 0)::int as n from quiz_attempts where quiz_id = ${quizId} and user_id = ${userId}`
  return row!.n
}

export async function insertAttempt(sql: Tx, a: { quizId: string; userId: string; number: number; questions: SnapshotQuestion[]; passPercentage: number; timeLimitSeconds: number | null }): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into quiz_attempts (quiz_id, user_id, attempt_number, questions, pass_percentage, expires_at)
    values (${a.quizId}, ${a.userId}, ${a.number}, ${sql.json(a.questions as never)}, ${a.passPercentage},
      ${a.timeLimitSeconds ? sql`now() + make_interval(secs => ${a.timeLimitSeconds})` : null})
    returning id`
  return row!.id
}

export async function saveAnswers(sql: Tx, id: string, answers: Answer[]): Promise<void> {
  await sql`update quiz_attempts set answers = ${sql.json(answers as never)} where id = ${id}`
}

export async function storeGrade(sql: Tx, id: string, g: { status: string; answers?: Answer[]; results: QuestionResult[]; score: number; max_score: number; percentage: number; passed: boolean }): Promise<void> {
  await sql`update quiz_attempts set status = ${g.status}, results = ${sql.json(g.results as never)}, score = ${g.score}, max_score = ${g.max_score},
    percentage = ${g.percentage}, passed = ${g.passed}, submitted_at = coalesce(submitted_at, now())
    ${g.answers ? sql`, answers = ${sql.json(g.answers as never)}` : sql``}
    where id = ${id}`
}

/** Every attempt of one learner at one quiz, oldest first, locked (a regrade rewrites them). */
export async function lockLearnerAttempts(sql: Tx, quizId: string, userId: string): Promise<AttemptRow[]> {
  return sql<AttemptRow[]>`${selectAttempt(sql)} where a.quiz_id = ${quizId} and a.user_id = ${userId} order by a.attempt_number for update of a`
}

/** The graded attempts of a quiz (what a regrade rescores), by learner then attempt. */
export async function listGradedAttempts(sql: Tx, quizId: string): Promise<AttemptRow[]> {
  return sql<AttemptRow[]>`${selectAttempt(sql)} where a.quiz_id = ${quizId} and a.status <> 'in_progress' and a.results is not null
    order by a.user_id, a.attempt_number`
}

/** Learners with at least one graded attempt of the quiz. */
export async function learnersWithGradedAttempts(sql: Tx, quizId: string): Promise<string[]> {
  const rows = await sql<{ user_id: string }[]>`
    select distinct user_id from quiz_attempts where quiz_id = ${quizId} and status <> 'in_progress' and results is not null order by user_id`
  return rows.map((r) => r.user_id)
}

/** A regrade's outcome: the current key in the snapshot, new results and totals. */
export async function storeRegrade(sql: Tx, id: string, g: { status: string; questions: SnapshotQuestion[]; results: QuestionResult[]; score: number; max_score: number; percentage: number; passed: boolean }): Promise<void> {
  await sql`update quiz_attempts set status = ${g.status}, questions = ${sql.json(g.questions as never)}, results = ${sql.json(g.results as never)},
    score = ${g.score}, max_score = ${g.max_score}, percentage = ${g.percentage}, passed = ${g.passed} where id = ${id}`
}

/** Whether the learner has an attempt of the quiz in progress (time not yet run out) and a passed one. */
export async function learnerQuizState(sql: Tx, quizId: string, userId: string, graceSeconds: number): Promise<{ open: boolean; passed: boolean }> {
  const [row] = await sql<{ open: boolean; passed: boolean }[]>`
    select coalesce(bool_or(status = 'in_progress' and (expires_at is null or expires_at + make_interval(secs => ${graceSeconds}) > now())), false) as open,
      coalesce(bool_or(passed), false) as passed
    from quiz_attempts where quiz_id = ${quizId} and user_id = ${userId}`
  return row!
}
