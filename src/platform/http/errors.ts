import { t } from 'elysia'

export type ErrorDetail = { field?: string; code?: string; message: string }

/**
 * The one error type services throw. `code` is SPEC's stable machine-readable code; the
 * error handler renders `{error: {code, message, details?}}` with `status`.
 */
export class AppError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details?: ErrorDetail[],
    public readonly headers?: Record<string, string>,
  ) {
    super(message)
    this.name = 'AppError'
  }
}

/** Shorthands for the generic statuses of SPEC §2; domains add their own codes in errors.ts. */
export const httpErrors = {
  badRequest: (message = 'Malformed request', code = 'bad_request') => new AppError(400, code, message),
  unauthorized: (message = 'Authentication required', code = 'unauthorized') => new AppError(401, code, message),
  forbidden: (message = 'You are not allowed to do this', code = 'forbidden') => new AppError(403, code, message),
  notFound: (message = 'Not found') => new AppError(404, 'not_found', message),
  conflict: (code: string, message: string) => new AppError(409, code, message),
  validation: (details: ErrorDetail[], message = 'Validation failed') => new AppError(422, 'validation_failed', message, details),
  tooLarge: (message = 'Payload too large') => new AppError(413, 'payload_too_large', message),
  rateLimited: (retryAfterSeconds: number, code = 'rate_limited') =>
    new AppError(429, code, 'Too many requests, slow down', undefined, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) }),
  unavailable: (message = 'A dependency is unavailable', code = 'unavailable') => new AppError(503, code, message),
}

/** OpenAPI/response schema of the error envelope. */
export const ErrorBody = t.Object(
  {
    error: t.Object({
      code: t.String(),
      message: t.String(),
      details: t.Optional(t.Array(t.Object({ field: t.Optional(t.String()), code: t.Optional(t.String()), message: t.String() }))),
    }),
  },
  {
    title: 'Error',
    description: 'Every error answer: a stable machine-readable `code`, a human message and, for 422, the fields at fault',
    examples: [{ error: { code: 'validation_failed', message: 'Validation failed', details: [{ field: 'email', code: 'format', message: 'Expected a valid email address' }] } }],
  },
)

/** Response-schema entries for error statuses: `response: { 200: X, ...errorResponses(401, 404) }`. */
export function errorResponses<S extends number>(...statuses: S[]): Record<S, typeof ErrorBody> {
  return Object.fromEntries(statuses.map((s) => [s, ErrorBody])) as Record<S, typeof ErrorBody>
}

/** The error envelope with a description of the codes one status can carry (the OpenAPI response's description). */
export const documentedError = (description: string) => t.Object(ErrorBody.properties, { title: 'Error', description })
