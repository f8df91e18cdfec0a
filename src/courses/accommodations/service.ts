import type { Deps } from '../../platform/deps'
import type { AuthContext } from '../../platform/http/auth'
import { httpErrors } from '../../platform/http/errors'
import { toPublicUser } from '../../accounts/public'
import { iso } from '../shared/format'
import { quizForOwner } from '../regrades/service'
import type { Accommodation, PutAccommodation } from './model'
import * as q from './queries'

const toAccommodation = (r: q.AccommodationRow): Accommodation => ({
  quiz_id: r.quiz_id, user: toPublicUser({ id: r.user_id, display_name: r.display_name, avatar_file_id: r.avatar_file_id }),
  extra_attempts: r.extra_attempts, extra_time_seconds: r.extra_time_seconds, updated_at: iso(r.updated_at)!,
})

/** Sets a learner's extra attempts and time on a quiz (owner or admin); unknown user → 404. */
export async function putAccommodation(deps: Pick<Deps, 'sql'>, quizId: string, userId: string, auth: AuthContext, body: PutAccommodation): Promise<Accommodation> {
  const quiz = await quizForOwner(deps, quizId, auth)
  const row = await q.upsertAccommodation(deps.sql, { quizId: quiz.id, userId, extraAttempts: body.extra_attempts, extraTimeSeconds: body.extra_time_seconds, by: auth.userId })
  if (!row) throw httpErrors.notFound('User not found')
  return toAccommodation(row)
}

export async function listQuizAccommodations(deps: Pick<Deps, 'sql'>, quizId: string, auth: AuthContext) {
  const quiz = await quizForOwner(deps, quizId, auth)
  return { items: (await q.listAccommodations(deps.sql, quiz.id)).map(toAccommodation), next_cursor: null }
}
