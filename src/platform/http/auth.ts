import { Elysia } from 'elysia'
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose'
import type { Redis, Keyspace } from '../redis'
import { AppError, httpErrors } from './errors'
import { isRevoked, revokedInMirror, revokeSessionTokens, revokeUserTokens, startRevocationMirror } from './revocations'

export type Role = 'student' | 'instructor' | 'admin'
export const ROLES: Role[] = ['student', 'instructor', 'admin']

/** Who is calling, from a verified, unrevoked access token. */
export type AuthContext = { userId: string; role: Role; sid: string; jti: string }

/** `redisSub`, when given, lets the process mirror revocations in memory (see ./revocations). */
export type TokenDeps = { secret: string; redis: Redis; redisSub?: Redis; keys: Keyspace; accessTtl: number }

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

/** Makes every access token of one session fail from now on. */
export async function revokeSessionAccess(deps: Omit<TokenDeps, 'secret'>, sid: string) {
  await revokeSessionTokens(deps, sid, deps.accessTtl + 60)
}

/** Makes every access token of a user issued before now fail. */
export async function revokeUserAccess(deps: Omit<TokenDeps, 'secret'>, userId: string) {
  await revokeUserTokens(deps, userId, deps.accessTtl + 60)
}

type Verified = { secret: string; ctx: AuthContext; ts: number; expMs: number }
/**
 * Access tokens already verified (signature, type, claims), by token. The same token string
 * always verifies the same way, so a repeat skips the HMAC; expiry and revocation are still
 * checked on every request. Bounded: the oldest entry leaves when it is full.
 */
const verified = new Map<string, Verified>()
const VERIFIED_MAX = 10_000

/** The remembered verification of `token`, if any; throws when it has expired since. */
function rememberedToken(secret: string, token: string): Verified | undefined {
  const hit = verified.get(token)
  if (!hit || hit.secret !== secret) return undefined
  if (hit.expMs > Date.now()) return hit
  verified.delete(token)
  throw new AppError(401, 'token_expired', 'The token has expired')
}

async function verifyAccessToken(secret: string, token: string): Promise<Verified> {
  const hit = rememberedToken(secret, token)
  if (hit) return hit
  const payload = await verifyTypedToken(secret, token, 'access')
  const { sid, role, jti, ts, exp } = payload as { sid?: unknown; role?: unknown; jti?: unknown; ts?: unknown; exp?: unknown }
  if (typeof sid !== 'string' || typeof jti !== 'string' || typeof ts !== 'number' || typeof exp !== 'number' || !ROLES.includes(role as Role)) {
    throw httpErrors.unauthorized('Invalid token')
  }
  // Frozen: every request with this token gets this same object.
  const entry: Verified = { secret, ctx: Object.freeze({ userId: payload.sub, role: role as Role, sid, jti }), ts, expMs: exp * 1000 }
  if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!)
  verified.set(token, entry)
  return entry
}

const revokedError = () => new AppError(401, 'token_revoked', 'The token has been revoked')

/**
 * The common case answered without waiting: a token verified before, checked against an
 * in-sync revocation mirror. `undefined` when either is missing (then use `authenticate`).
 */
function authenticateNow(deps: TokenDeps, token: string): AuthContext | undefined {
  const hit = rememberedToken(deps.secret, token)
  if (!hit) return undefined
  const revoked = revokedInMirror(deps, hit.ctx.sid, hit.ctx.userId, hit.ts)
  if (revoked === undefined) return undefined
  if (revoked) throw revokedError()
  return hit.ctx
}

/** The path that may wait: the HMAC for a new token, Redis while the mirror is not in sync. */
async function authenticateLater(deps: TokenDeps, token: string): Promise<AuthContext> {
  const { ctx, ts } = await verifyAccessToken(deps.secret, token)
  if (await isRevoked(deps, ctx.sid, ctx.userId, ts)) throw revokedError()
  return ctx
}

/** Verifies an access token end to end: signature, expiry, type, and revocation. */
export async function authenticate(deps: TokenDeps, token: string): Promise<AuthContext> {
  return authenticateNow(deps, token) ?? authenticateLater(deps, token)
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
  startRevocationMirror(deps)
  return new Elysia({ name: 'platform.auth' }).macro({
    auth: (required: true | Role) => ({
      detail: { security: [{ bearerAuth: [] }] },
      // `request.headers.get` rather than `headers`: see platform/ws/routes.ts.
      async resolve({ request }: { request: Request }) {
        const token = bearerToken(request.headers.get('authorization'))
        if (!token) throw httpErrors.unauthorized()
        const auth = authenticateNow(deps, token) ?? (await authenticateLater(deps, token))
        if (!allows(auth.role, required)) throw httpErrors.forbidden()
        return { auth }
      },
    }),
  })
}

type TokenSource = { config: { JWT_SECRET: string; ACCESS_TOKEN_TTL: number }; redis: Redis; redisSub?: Redis; keys: Keyspace }

/** The token settings of a Deps-like object. */
export const tokenDepsOf = (d: TokenSource): TokenDeps => ({ secret: d.config.JWT_SECRET, redis: d.redis, redisSub: d.redisSub, keys: d.keys, accessTtl: d.config.ACCESS_TOKEN_TTL })

/** The auth guard for a domain plugin: `.use(authGuard(deps))` then `{ auth: true | role }` on routes. */
export const authGuard = (d: TokenSource) => authPlugin(tokenDepsOf(d))
