import type { Tx } from '../../platform/db'

export type RegradeRow = { id: string; by_user_id: string | null; question_ids: string[] | null; attempts_affected: number; created_at: Date }

/** The audit row of an applied regrade (its count is filled in when the run ends). */
export async function insertRegrade(sql: Tx, r: { quizId: string; byUserId: string; questionIds: string[] | null }): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into quiz_regrades (quiz_id, by_user_id, question_ids) values (${r.quizId}, ${r.byUserId}, ${r.questionIds}) returning id`
  return row!.id
}

export async function setAttemptsAffected(sql: Tx, id: string, n: number): Promise<void> {
  await sql`update quiz_regrades set attempts_affected = ${n} where id = ${id}`
}

/** Past regrade runs of a quiz, newest first. */
export async function listRegrades(sql: Tx, quizId: string): Promise<RegradeRow[]> {
  return sql<RegradeRow[]>`
    select id, by_user_id, question_ids, attempts_affected, created_at from quiz_regrades
    where quiz_id = ${quizId} order by created_at desc, id desc limit 100`
}
