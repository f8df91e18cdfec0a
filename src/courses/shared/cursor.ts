import { httpErrors } from '../../platform/http/errors'

/** Opaque cursor: base64url of the last row's sort key. */
export const encodeCursor = (parts: (string | Date)[]) =>
  Buffer.from(JSON.stringify(parts.map((p) => (p instanceof Date ? p.toISOString() : p)))).toString('base64url')

/** Decodes a cursor of `n` string parts; anything else is a 422 on `cursor`. */
export function decodeCursor(cursor: string | undefined, n: number): string[] | null {
  if (!cursor) return null
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    // Every cursor here is [ISO timestamp, uuid]: anything else would fail in SQL casts.
    if (Array.isArray(parts) && parts.length === n && parts.every((p) => typeof p === 'string') && !Number.isNaN(Date.parse(parts[0])) && UUID_RE.test(parts[n - 1])) return parts
  } catch {}
  throw httpErrors.validation([{ field: 'cursor', message: 'Invalid cursor' }])
}

/** Splits a `limit + 1` page into items and the next cursor. */
export function page<T>(rows: T[], limit: number, key: (row: T) => (string | Date)[]) {
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  return { items, next_cursor: rows.length > limit && last ? encodeCursor(key(last)) : null }
}

export const iso = (d: Date | string | null | undefined) => (d == null ? null : d instanceof Date ? d.toISOString() : new Date(d).toISOString())
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
