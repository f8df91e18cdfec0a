import { Elysia } from 'elysia'
import type { Logger } from '../log'
import type { Metrics } from '../metrics'
import { AppError } from './errors'

export type RequestInfo = { readonly id: string; readonly start: number; readonly ip: string }
// Kept on the Request itself under a private symbol: it dies with the request, where a WeakMap
// entry per request is one more weak-table insert for the collector to clear.
const INFO = Symbol('lyceum.requestInfo')
type WithInfo = Request & { [INFO]?: Info }

/** The id, start time and client IP recorded for a request (undefined before onRequest ran). */
export function requestInfo(request: Request): RequestInfo | undefined {
  return (request as WithInfo)[INFO]
}

/** Per-request record; a class so that the lazy `ip` getter is shared, not built per request. */
class Info implements RequestInfo {
  done = false
  #ip: string | undefined
  constructor(
    readonly id: string,
    readonly start: number,
    private readonly request: Request,
    private readonly opts: RequestPluginOptions,
  ) {}
  /** The client IP is resolved on first use: most requests (and the hot health checks) never need it. */
  get ip(): string {
    return (this.#ip ??= clientIp(this.request, this.opts.server()?.requestIP(this.request)?.address, this.opts.trustProxy))
  }
}

/** Elysia's `set`, as far as response headers go. */
export type ResponseHeaders = { headers: Record<string, string | number | string[] | undefined> }

/**
 * Puts the headers gathered in `set.headers` (request id, security headers, Retry-After...) on
 * a Response a handler returned, where it has not set them itself, and empties `set.headers`.
 * With `set.headers` empty Elysia sends the Response as it is; otherwise it rebuilds it, turning
 * the body into a stream and copying every header, on every request.
 */
function moveHeadersOnto(res: Response, set: ResponseHeaders) {
  let h: Headers | undefined
  try {
    for (const k in set.headers) {
      h ??= res.headers
      const v = set.headers[k]
      if (v !== undefined && !Array.isArray(v) && !h.has(k)) h.set(k, String(v))
      else if (Array.isArray(v)) return // cookies: leave them to Elysia
    }
    if (h) set.headers = {}
  } catch {
    // Immutable headers (e.g. a fetched Response): Elysia merges them as usual.
  }
}

/**
 * A 200 JSON response from text serialised beforehand (a cached body), carrying the headers
 * gathered so far. For hot cached reads: it skips per-request serialisation and response
 * validation, so the text must already match the route's response schema.
 */
export function jsonText(set: ResponseHeaders, body: string): Response {
  const headers = set.headers as Record<string, string>
  headers['content-type'] = 'application/json; charset=utf-8'
  set.headers = {}
  return new Response(body, { headers })
}

const tooLarge = () => new AppError(413, 'payload_too_large', 'Request body too large')

/** Reads a body stream whole, refusing it (413, stream cancelled) once past `limit` bytes. */
async function readCapped(body: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > limit) {
      await reader.cancel().catch(() => {})
      throw tooLarge()
    }
    chunks.push(value)
  }
  const out = new Uint8Array(total)
  let at = 0
  for (const c of chunks) out.set(c, (at += c.byteLength) - c.byteLength)
  return out
}

/**
 * Gives this request's body readers (the ones Elysia's parsers and our handlers call: json,
 * text, arrayBuffer, formData, blob) a byte budget. Only for bodies of unknown length: a
 * declared Content-Length is checked before anything is read. Routes that stream the body
 * themselves (uploads) count their own bytes.
 */
function capBodyReaders(request: Request, limit: number) {
  const bytes = () => readCapped(request.body!, limit)
  const text = async () => new TextDecoder().decode(await bytes())
  const define = (name: string, value: () => Promise<unknown>) => Object.defineProperty(request, name, { value, configurable: true })
  define('text', text)
  define('json', async () => JSON.parse(await text()))
  define('arrayBuffer', async () => (await bytes()).buffer)
  define('bytes', bytes)
  define('blob', async () => new Blob([await bytes()], { type: request.headers.get('content-type') ?? '' }))
  define('formData', async () => new Response(await bytes(), { headers: { 'content-type': request.headers.get('content-type') ?? '' } }).formData())
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/

export type RequestPluginOptions = {
  log: Logger
  /** The listening server (for the socket's address); read only when a client IP is needed. */
  server: () => { requestIP(request: Request): { address: string } | null } | null
  metrics: Metrics
  trustProxy: number
  /** Largest body per path prefix (first match wins); `defaultLimit` otherwise. */
  bodyLimits: { prefix: string; bytes: number }[]
  defaultLimit: number
}

/** Picks the client IP: the X-Forwarded-For entry `hops` from the right when proxies are trusted. */
export function clientIp(request: Request, socketIp: string | undefined, hops: number): string {
  if (hops > 0) {
    const xff = request.headers.get('x-forwarded-for')
    if (xff) {
      const parts = xff.split(',').map((s) => s.trim()).filter(Boolean)
      const pick = parts[parts.length - hops]
      if (pick) return pick
    }
  }
  return socketIp ?? '127.0.0.1'
}

/**
 * Per-request platform behaviour: X-Request-Id (taken when safe, else generated), security
 * headers, body-size limits answered with the 413 envelope, JSON access logs and metrics.
 * Query strings are never logged (the WebSocket route carries tokens there).
 */
export function requestPlugin(opts: RequestPluginOptions) {
  const logRequests = opts.log.enabled?.('info') ?? true
  const limitFor = (path: string) => opts.bodyLimits.find((l) => path.startsWith(l.prefix))?.bytes ?? opts.defaultLimit
  return new Elysia({ name: 'platform.request' })
    // The hooks name only `request`, `set` and `route`: Elysia builds each route's context from
    // what the app's hooks read, and `server` or `headers` here would cost every route.
    .onRequest(({ request, set }) => {
      const r = request as WithInfo
      const given = request.headers.get('x-request-id')
      const id = given && SAFE_ID.test(given) ? given : crypto.randomUUID()
      r[INFO] = new Info(id, performance.now(), request, opts)
      const h = set.headers
      h['x-request-id'] = id
      h['x-content-type-options'] = 'nosniff'
      h['x-frame-options'] = 'DENY'
      h['referrer-policy'] = 'no-referrer'
      if (request.method === 'GET' || request.method === 'HEAD') return
      const len = request.headers.get('content-length')
      if (len && Number(len) > limitFor(new URL(request.url).pathname)) {
        throw new AppError(413, 'payload_too_large', 'Request body too large')
      }
      // A body without Content-Length (chunked) is counted while it is read (SPEC §12).
      if (len === null && request.body) capBodyReaders(request, limitFor(new URL(request.url).pathname))
    })
    // Metrics and the access log are recorded where the final status is known: Elysia runs
    // mapResponse after a handler's response is validated and after the error handler, in both
    // cases synchronously (onAfterResponse would schedule a task per request). It hands the
    // response back unchanged: Elysia's global error path replaces the response with whatever
    // this hook returns, `undefined` included.
    .mapResponse({ as: 'global' }, ({ request, set, route, responseValue }) => {
      if (responseValue instanceof Response) moveHeadersOnto(responseValue, set)
      const info = (request as WithInfo)[INFO]
      if (!info || info.done) return responseValue as Response
      info.done = true
      // A Response a handler built carries its own status (a redirect, a 304) unless `set` says otherwise.
      const setStatus = typeof set.status === 'number' ? set.status : 200
      const status = responseValue instanceof Response && setStatus === 200 ? responseValue.status : setStatus
      const seconds = (performance.now() - info.start) / 1000
      const label = route || 'unmatched'
      opts.metrics.observeRequest(request.method, label, status, seconds)
      if (!logRequests) return responseValue as Response
      opts.log.info('request', {
        request_id: info.id,
        method: request.method,
        route: label,
        status,
        ms: Math.round(seconds * 10000) / 10,
      })
      return responseValue as Response
    })
}
