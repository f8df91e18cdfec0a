import { treaty } from '@elysiajs/eden'
import type { App } from '../../src/app'
import { createRealtime, type RealtimeOptions } from './realtime'
import { createSession, errorOf, type FetchLike, type Tokens } from './session'

export { LyceumError, type Tokens, type FetchLike } from './session'
export type { Message, Realtime, RealtimeEvents, RealtimeOptions, RealtimeState, ClientFrames } from './realtime'

export type PublicUser = { id: string; email: string; display_name: string; role: string; [k: string]: unknown }
export type LoginResult =
  | { user: PublicUser; tokens: Tokens }
  | { mfa_required: true; challenge_token: string; methods: ('email' | 'totp')[] }

export type ClientOptions = {
  /** The server's origin, e.g. `https://api.example.com` (paths start with `/api/v1`). */
  baseUrl: string
  /** Tokens kept from an earlier run. */
  tokens?: Tokens | null
  /** Called with every new token pair (after login and each rotation), and null when signed out. */
  onTokens?: (tokens: Tokens | null) => void
  /** A `fetch` implementation (the global one by default). */
  fetch?: FetchLike
}

/**
 * The Lyceum client: typed REST over the server's own route types (Eden Treaty), automatic
 * token rotation, and a realtime connection that reconnects and resumes by itself.
 */
export function createLyceumClient(opts: ClientOptions) {
  const session = createSession(opts)
  const rest = treaty<App>(session.base, { fetcher: session.authedFetch as typeof fetch })

  const post = async <T>(path: string, body: unknown): Promise<T> => {
    const res = await session.fetch(`${session.base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    if (!res.ok) throw await errorOf(res)
    return (await res.json()) as T
  }
  const keep = <T extends object>(result: T) => {
    if ('tokens' in result) session.setTokens(result.tokens as Tokens)
    return result
  }

  return {
    /** Typed REST: `c.rest.api.v1.courses.get({ query: { search: 'sql' } })` → `{ data, error, status }`. */
    rest,
    /** The current token pair (rotated automatically), or null when signed out. */
    get tokens() {
      return session.tokens
    },
    /** Signs in; with MFA on, answers the challenge to pass to `verifyMfa`. */
    login: async (email: string, password: string) => keep(await post<LoginResult>('/api/v1/auth/login', { email, password })),
    /** Completes an MFA challenge with an emailed, TOTP or recovery code. */
    verifyMfa: async (challengeToken: string, code: string) =>
      keep(await post<{ user: PublicUser; tokens: Tokens }>('/api/v1/auth/mfa/verify', { challenge_token: challengeToken, code })),
    /** Rotates the refresh token now (it also happens by itself when an access token expires). */
    refresh: () => session.refresh(),
    /** Signs out this session on the server and forgets the tokens. */
    async logout() {
      const t = session.tokens
      if (t) {
        await session.authedFetch(`${session.base}/api/v1/auth/logout`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ refresh_token: t.refresh_token }),
        })
      }
      session.setTokens(null)
    },
    /** Opens the realtime connection (it connects, reconnects and resumes by itself). */
    realtime: (options?: RealtimeOptions) => createRealtime(session, options),
  }
}
export type LyceumClient = ReturnType<typeof createLyceumClient>
