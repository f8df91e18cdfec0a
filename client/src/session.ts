/**
 * The signed-in state of a client: the current token pair, one refresh at a time, and a
 * `fetch` that authenticates every call and recovers from an expired access token.
 */
export type Tokens = { access_token: string; refresh_token: string; expires_in?: number }
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

/** An error answered by the API (SPEC's `{error: {code, message}}` envelope). */
export class LyceumError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'LyceumError'
  }
}

/** Reads SPEC's error envelope from a failed response. */
export async function errorOf(res: Response): Promise<LyceumError> {
  const body = (await res
    .clone()
    .json()
    .catch(() => null)) as { error?: { code?: string; message?: string; details?: unknown } } | null
  const e = body?.error
  return new LyceumError(res.status, e?.code ?? 'http_error', e?.message ?? `HTTP ${res.status}`, e?.details)
}

// 401 codes after which a refresh can help: the access token ran out, or it was cut off by a
// role change while the session itself lives on (a revoked session fails the refresh too).
const REFRESHABLE = new Set(['token_expired', 'token_revoked'])

export function createSession(opts: {
  baseUrl: string
  fetch?: FetchLike
  tokens?: Tokens | null
  onTokens?: (tokens: Tokens | null) => void
}) {
  const base = opts.baseUrl.replace(/\/+$/, '')
  const fetchImpl: FetchLike = opts.fetch ?? ((input, init) => fetch(input, init))
  let tokens: Tokens | null = opts.tokens ?? null
  let inFlight: Promise<Tokens> | null = null

  const setTokens = (next: Tokens | null) => {
    tokens = next
    opts.onTokens?.(next)
  }

  /**
   * Rotates the refresh token. Concurrent callers share one request: the server revokes a whole
   * session when a rotated refresh token is presented again, so two refreshes racing with the
   * same token would sign the user out. `stale` is the access token the caller was refused with:
   * when a newer one exists already, it is returned without asking the server.
   */
  function refresh(stale?: string): Promise<Tokens> {
    if (stale && tokens && tokens.access_token !== stale) return Promise.resolve(tokens)
    inFlight ??= (async () => {
      try {
        const current = tokens
        if (!current) throw new LyceumError(401, 'unauthorized', 'Not signed in')
        const res = await fetchImpl(`${base}/api/v1/auth/refresh`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ refresh_token: current.refresh_token }),
        })
        if (!res.ok) {
          const err = await errorOf(res)
          // The session is gone for good: forget it, so nothing keeps presenting it.
          if (res.status === 401 && tokens === current) setTokens(null)
          throw err
        }
        const body = (await res.json()) as { tokens: Tokens }
        setTokens(body.tokens)
        return body.tokens
      } finally {
        inFlight = null
      }
    })()
    return inFlight
  }

  /** `fetch` with the current access token; one refresh and retry after a refreshable 401. */
  const authedFetch: FetchLike = async (input, init) => {
    const send = (t: Tokens | null) => {
      const headers = new Headers(init?.headers)
      if (t) headers.set('authorization', `Bearer ${t.access_token}`)
      return fetchImpl(input, { ...init, headers })
    }
    const used = tokens
    const res = await send(used)
    if (res.status !== 401 || !used) return res
    if (!REFRESHABLE.has((await errorOf(res)).code)) return res
    let fresh: Tokens
    try {
      fresh = await refresh(used.access_token)
    } catch {
      return res
    }
    return send(fresh)
  }

  return {
    base,
    fetch: fetchImpl,
    authedFetch,
    refresh,
    get tokens() {
      return tokens
    },
    setTokens,
  }
}
export type Session = ReturnType<typeof createSession>
