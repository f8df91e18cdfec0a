import { Elysia } from 'elysia'
import type { Logger } from '../log'
import { AppError, type ErrorDetail } from './errors'
import { requestInfo } from './request-id'
import { TimeoutError as RedisTimeoutError } from 'redis'
import { RedisDeadlineError } from '../redis'
import { DeadlineError } from '../db'

type Envelope = { error: { code: string; message: string; details?: ErrorDetail[] } }

const body = (code: string, message: string, details?: ErrorDetail[]): Envelope => ({
  error: details ? { code, message, details } : { code, message },
})

function validationDetails(error: unknown, request: Request): ErrorDetail[] {
  const v = error as { all?: { path?: string; message?: string; summary?: string }[]; type?: string; value?: unknown }
  const all = v.all ?? []
  const seen = new Set<string>()
  const out: ErrorDetail[] = []
  // Elysia checks coerced query values one by one and reports them without a path: name the
  // query parameter whose raw value it was.
  const queryField = () => {
    if (v.type !== 'query' && v.type !== 'property') return undefined
    for (const [k, raw] of new URL(request.url).searchParams) if (raw === String(v.value)) return k
    return undefined
  }
  for (const e of all) {
    const field = (e.path ?? '').replace(/^\//, '').replace(/\//g, '.') || queryField() || `(${v.type ?? 'body'})`
    if (seen.has(field)) continue
    seen.add(field)
    out.push({ field, message: e.summary ?? e.message ?? 'invalid' })
  }
  return out
}

function isDependencyDown(err: unknown): boolean {
  const e = err as { name?: string; code?: string; message?: string }
  const msg = e?.message ?? ''
  return (
    e?.name === 'ClientClosedError' || e?.name === 'ClientOfflineError' || e?.name === 'ConnectionTimeoutError' ||
    ['ECONNREFUSED', 'ECONNRESET', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', '57P01', '57P03'].includes(e?.code ?? '') ||
    /client is (closed|offline)|Connection is closed|Stream isn't writeable/i.test(msg) ||
    // Deadlines (SPEC §13): our own, node-redis' command timeout, ioredis' commandTimeout, and
    // Postgres' statement_timeout (57014) / idle_in_transaction_session_timeout (25P03).
    err instanceof DeadlineError || err instanceof RedisDeadlineError || err instanceof RedisTimeoutError || e?.name === 'SocketTimeoutError' ||
    ['57014', '25P03', 'ETIMEDOUT', 'EPIPE'].includes(e?.code ?? '') || /^Command timed out$/.test(msg)
  )
}

/** Maps any error to SPEC's envelope; unknown errors are logged and answered 500 without internals. */
export function errorHandler(log: Logger) {
  return new Elysia({ name: 'platform.error-handler' }).onError({ as: 'global' }, ({ code, error: raised, set, request }) => {
    // A body reader that refused the body (a streamed body over BODY_MAX_BYTES) reaches us wrapped in Elysia's ParseError.
    const cause = code === 'PARSE' ? (raised as { cause?: unknown }).cause : undefined
    const error = cause instanceof AppError ? cause : raised
    if (error instanceof AppError) {
      set.status = error.status
      if (error.headers) Object.assign(set.headers, error.headers)
      return body(error.code, error.message, error.details)
    }
    switch (code) {
      case 'VALIDATION': {
        if ((error as { type?: string }).type === 'response') break
        set.status = 422
        return body('validation_failed', 'Validation failed', validationDetails(error, request))
      }
      case 'PARSE':
        set.status = 400
        return body('bad_request', 'Malformed request body')
      case 'NOT_FOUND':
        set.status = 404
        return body('not_found', 'Not found')
      case 'INVALID_COOKIE_SIGNATURE':
      case 'INVALID_FILE_TYPE':
        set.status = 400
        return body('bad_request', 'Malformed request')
    }
    const pg = error as { code?: string }
    if (pg?.code === '23505') {
      set.status = 409
      return body('conflict', 'The resource conflicts with an existing one')
    }
    // Text Postgres cannot store (a NUL character, an invalid byte sequence) or a value out of
    // its range is bad input, never a server error.
    if (pg?.code === '22021' || pg?.code === '22P05' || pg?.code === '22003' || pg?.code === '22008' || pg?.code === '22007') {
      set.status = 422
      return body('validation_failed', 'A value in the request cannot be stored (invalid characters or out of range)')
    }
    if (pg?.code === '22P02') {
      set.status = 404
      return body('not_found', 'Not found')
    }
    const info = requestInfo(request)
    if (isDependencyDown(error)) {
      log.warn('dependency unavailable', { request_id: info?.id, error: String((error as Error)?.message ?? error) })
      set.status = 503
      return body('unavailable', 'A dependency is unavailable, try again shortly')
    }
    log.error('unhandled error', { request_id: info?.id, error })
    set.status = 500
    return body('internal', 'Internal server error')
  })
}
