import { Elysia } from 'elysia'
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose'
import type { Redis, Keyspace } from '../redis'
import { AppError, httpErrors } from './errors'

export type Role = 'student' | 'instructor' | 'admin'
export const ROLES: Role[] = ['student', 'instructor', 'admin']

/** Who is calling, from a verified, unrevoked access token. */
export type AuthContext = { userId: string; role: Role; sid: string; jti: string }

export type TokenDeps = { secret: string; redis: Redis; keys: Keyspace; accessTtl: number }

const encoder = new TextEncoder()
// jose imports a raw secret into a CryptoKey on every call; import each secret once instead.
const hmacKeys = new Map<string, Promise<CryptoKey>>()
const hmacKey = (secret: string) => {
  let key = hmacKeys.get(secret)
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
    hmacKeys.set(secret, key)
  }
  return key
}

/**
 * Signs a short-lived HS256 access token. `ts` (issue time in ms) lets a per-user
 * "valid after" stamp revoke every earlier token immediately.
 */
export async function signAccessToken(deps: Pick<TokenDeps, 'secret' | 'accessTtl'>, claims: { userId: string; role: Role; sid: string }) {
  const jti = crypto.randomUUID()
  const now = Date.now()
  const token = await new SignJWT({ sid: claims.sid, role: claims.role, type: 'access', ts: now })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.userId)
    .setJti(jti)
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(Math.floor(now / 1000) + deps.accessTtl)
    .sign(await hmacKey(deps.secret))
  return { token, jti, expiresIn: deps.accessTtl }
}

/** Signs a JWT of another `type` (e.g. an MFA challenge) with the same key. */
export async function signTypedToken(secret: string, type: string, subject: string, ttlSeconds: number, extra: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ ...extra, type })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject)
    .setJti(crypto.randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(await hmacKey(secret))
}

/** Verifies a typed JWT; expired → `expiredCode`, anything else wrong → `invalidCode` (401). */
export async function verifyTypedToken(secret: string, token: string, type: string, expiredCode = 'token_expired', invalidCode = 'unauthorized') {
  try {
    const { payload } = await jwtVerify(token, await hmacKey(secret), { algorithms: ['HS256'] })
    if (payload.type !== type || typeof payload.sub !== 'string') throw httpErrors.unauthorized('Invalid token', invalidCode)
    return payload as typeof payload & { sub: string }
  } catch (err) {
    if (err instanceof AppError) throw err
    if (err instanceof joseErrors.JWTExpired) throw new AppError(401, expiredCode, 'The token has expired')
    throw httpErrors.unauthorized('Invalid token', invalidCode)
  }
}

/** Redis keys that revoke access tokens before they expire. */
export const revocationKeys = (keys: Keyspace) => ({
  session: (sid: string) => keys('auth', 'revoked-sid', sid),
  userValidAfter: (userId: string) => keys('auth', 'valid-after', userId),
})

/** Makes every access token of one session fail from now on. */
export async function revokeSessionAccess(deps: Omit<TokenDeps, 'secret'>, sid: string) {
  await deps.redis.set(revocationKeys(deps.keys).session(sid), '1', { EX: deps.accessTtl + 60 })
}

/** Makes every access token of a user issued before now fail. */
export async function revokeUserAccess(deps: Omit<TokenDeps, 'secret'>, userId: string) {
  await deps.redis.set(revocationKeys(deps.keys).userValidAfter(userId), String(Date.now()), { EX: deps.accessTtl + 60 })
}

/** Verifies an access token end to end: signature, expiry, type, and revocation. */
export async function authenticate(deps: TokenDeps, token: string): Promise<AuthContext> {
  const payload = await verifyTypedToken(deps.secret, token, 'access')
  const { sid, role, jti, ts } = payload as { sid?: unknown; role?: unknown; jti?: unknown; ts?: unknown }
  if (typeof sid !== 'string' || typeof jti !== 'string' || typeof ts !== 'number' || !ROLES.includes(role as Role)) {
    throw httpErrors.unauthorized('Invalid token')
  }
  const rk = revocationKeys(deps.keys)
  const [revoked, validAfter] = await deps.redis.mGet([rk.session(sid), rk.userValidAfter(payload.sub)])
  if (revoked || (validAfter && ts < Number(validAfter))) throw new AppError(401, 'token_revoked', 'The token has been revoked')
  return { userId: payload.sub, role: role as Role, sid, jti }
}

/** The bearer token of a request, if any. */
export function bearerToken(header: string | null | undefined): string | undefined {
  const m = header?.match(/^Bearer\s+(\S+)$/i)
  return m?.[1]
}

/** `auth: true` needs any signed-in user; `auth: 'instructor'` needs instructor or admin; `auth: 'admin'` needs admin. */
export function allows(role: Role, required: true | Role): boolean {
  if (required === true || role === 'admin') return true
  if (required === 'instructor') return role === 'instructor'
  return required === role
}

/**
 * The auth guard. Routes opt in with `{ auth: true | 'instructor' | 'admin' }` and receive
 * `auth: AuthContext`. Missing/invalid → 401, wrong role → 403.
 */
export function authPlugin(deps: TokenDeps) {
  return new Elysia({ name: 'platform.auth' }).macro({
    auth: (required: true | Role) => ({
      detail: { security: [{ bearerAuth: [] }] },
      // `request.headers.get` rather than `headers`: see platform/ws/routes.ts.
      async resolve({ request }: { request: Request }) {
        const token = bearerToken(request.headers.get('authorization'))
        if (!token) throw httpErrors.unauthorized()
        const auth = await authenticate(deps, token)
        if (!allows(auth.role, required)) throw httpErrors.forbidden()
        return { auth }
      },
    }),
  })
}

type TokenSource = { config: { JWT_SECRET: string; ACCESS_TOKEN_TTL: number }; redis: Redis; keys: Keyspace }

/** The token settings of a Deps-like object. */
export const tokenDepsOf = (d: TokenSource): TokenDeps => ({ secret: d.config.JWT_SECRET, redis: d.redis, keys: d.keys, accessTtl: d.config.ACCESS_TOKEN_TTL })

/** The auth guard for a domain plugin: `.use(authGuard(deps))` then `{ auth: true | role }` on routes. */
export const authGuard = (d: TokenSource) => authPlugin(tokenDepsOf(d))
