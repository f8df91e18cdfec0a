import type { Tx } from '../../platform/db'

export type AccommodationRow = {
  quiz_id: string; user_id: string; display_name: string; avatar_file_id: string | null
  extra_attempts: number; extra_time_seconds: number; updated_at: Date
}

const select = (sql: Tx) => sql`
  select a.quiz_id, a.user_id, u.display_name, u.avatar_file_id, a.extra_attempts, a.extra_time_seconds, a.updated_at
  from quiz_accommodations a join users u on u.id = a.user_id`

/** Sets one learner's accommodation; null when the user does not exist. */
export async function upsertAccommodation(sql: Tx, a: { quizId: string; userId: string; extraAttempts: number; extraTimeSeconds: number; by: string }): Promise<AccommodationRow | null> {
  const [row] = await sql<{ quiz_id: string }[]>`
    insert into quiz_accommodations (quiz_id, user_id, extra_attempts, extra_time_seconds, updated_by)
    select ${a.quizId}, u.id, ${a.extraAttempts}, ${a.extraTimeSeconds}, ${a.by} from users u where u.id = ${a.userId}
    on conflict (quiz_id, user_id) do update set extra_attempts = excluded.extra_attempts,
      extra_time_seconds = excluded.extra_time_seconds, updated_by = excluded.updated_by, updated_at = now()
    returning quiz_id`
  if (!row) return null
  const [full] = await sql<AccommodationRow[]>`${select(sql)} where a.quiz_id = ${a.quizId} and a.user_id = ${a.userId}`
  return full ?? null
}

export async function listAccommodations(sql: Tx, quizId: string): Promise<AccommodationRow[]> {
  return sql<AccommodationRow[]>`${select(sql)} where a.quiz_id = ${quizId} order by u.display_name, a.user_id limit 1000`
}

/** What a learner gets on top of the quiz's limits (zeros when nothing is set). */
export async function findAccommodation(sql: Tx, quizId: string, userId: string): Promise<{ extra_attempts: number; extra_time_seconds: number }> {
  const [row] = await sql<{ extra_attempts: number; extra_time_seconds: number }[]>`
    select extra_attempts, extra_time_seconds from quiz_accommodations where quiz_id = ${quizId} and user_id = ${userId}`
  return row ?? { extra_attempts: 0, extra_time_seconds: 0 }
}
