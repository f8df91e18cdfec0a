import type { Deps } from '../../platform/deps'
import { authenticate, bearerToken, tokenDepsOf, type AuthContext } from '../../platform/http/auth'

/** The caller of a route that also serves anonymous visitors (a bad token is still a 401). */
export async function viewerOf(deps: Pick<Deps, 'config' | 'redis' | 'keys'>, headers: Record<string, string | undefined>): Promise<AuthContext | null> {
  const token = bearerToken(headers.authorization)
  return token ? authenticate(tokenDepsOf(deps), token) : null
}

/** Owner or admin. */
export const canManage = (course: { instructor_id: string }, auth: Pick<AuthContext, 'userId' | 'role'> | null | undefined) =>
  Boolean(auth && (auth.role === 'admin' || auth.userId === course.instructor_id))
