import { Elysia } from 'elysia'
import type { Logger } from '../log'
import type { Metrics } from '../metrics'
import { AppError } from './errors'

export type RequestInfo = { readonly id: string; readonly start: number; readonly ip: string }
const infos = new WeakMap<Request, RequestInfo>()

/** The id, start time and client IP recorded for a request (undefined before onRequest ran). */
export function requestInfo(request: Request): RequestInfo | undefined {
  return infos.get(request)
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/

const securityHeaders: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
}

export type RequestPluginOptions = {
  log: Logger
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
    .onRequest(({ request, set, server }) => {
      const given = request.headers.get('x-request-id')
      const id = given && SAFE_ID.test(given) ? given : crypto.randomUUID()
      // The client IP is resolved on first use: most requests (and the hot health checks) never need it.
      let ip: string | undefined
      infos.set(request, {
        id,
        start: performance.now(),
        get ip() {
          return (ip ??= clientIp(request, server?.requestIP(request)?.address, opts.trustProxy))
        },
      })
      set.headers['x-request-id'] = id
      Object.assign(set.headers, securityHeaders)
      const len = request.headers.get('content-length')
      if (len && Number(len) > limitFor(new URL(request.url).pathname)) {
        throw new AppError(413, 'payload_too_large', 'Request body too large')
      }
    })
    .onAfterResponse({ as: 'global' }, ({ request, set, route }) => {
      const info = infos.get(request)
      if (!info) return
      const status = typeof set.status === 'number' ? set.status : 200
      const seconds = (performance.now() - info.start) / 1000
      const label = route || 'unmatched'
      opts.metrics.observeRequest(request.method, label, status, seconds)
      if (!logRequests) return
      opts.log.info('request', {
        request_id: info.id,
        method: request.method,
        route: label,
        status,
        ms: Math.round(seconds * 10000) / 10,
      })
    })
}
