import type { Deps } from '../../platform/deps'
import { authenticate, bearerToken, tokenDepsOf, type AuthContext } from '../../platform/http/auth'

/** The caller of a route that also serves anonymous visitors (a bad token is still a 401). */
export async function viewerOf(deps: Pick<Deps, 'config' | 'redis' | 'keys'>, headers: Record<string, string | undefined>): Promise<AuthContext | null> {
  const token = bearerToken(headers.authorization)
  return token ? authenticate(tokenDepsOf(deps), token) : null
}

/**
 * An admin, or the owner while their current role is instructor (SPEC §12): an instructor
 * demoted to student no longer manages the courses they made. Tokens carry the current role:
 * a role change revokes the older ones.
 */
export const canManage = (course: { instructor_id: string }, auth: Pick<AuthContext, 'userId' | 'role'> | null | undefined) =>
  Boolean(auth && (auth.role === 'admin' || (auth.role === 'instructor' && auth.userId === course.instructor_id)))
