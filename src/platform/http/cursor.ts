import { isUuid } from '../ids'
import { httpErrors } from './errors'

/**
 * Opaque list cursors shared by every domain. Clients only echo them back, so the format is
 * ours to change; what must stay stable is that a malformed cursor is a 422
 * `validation_failed` on `cursor`, never a 500 from a failed SQL cast.
 */


/** The error every list answers for a cursor it cannot read. */
export const badCursor = (message = 'Invalid cursor') => httpErrors.validation([{ field: 'cursor', message }])

/** A cursor for any JSON-serialisable value: base64url of its JSON. */
export const encodeCursor = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')

/** Decodes a cursor and checks its shape with `isValid`; `null` when either fails. */
export function tryDecodeCursor<T>(cursor: string, isValid: (v: any) => v is T): T | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    return isValid(value) ? value : null
  } catch {
    return null
  }
}

/** Decodes a cursor and checks its shape with `isValid`; anything else throws {@link badCursor}. */
export function decodeCursor<T>(cursor: string, isValid: (v: any) => v is T): T {
  const value = tryDecodeCursor(cursor, isValid)
  if (value === null) throw badCursor()
  return value
}

/** The sort key of a `(timestamp desc, uuid desc)` keyset page. */
export type Keyset = { at: Date; id: string }

/** A keyset cursor for the row sorted at `at` with `id` (milliseconds, like JS dates). */
export const encodeKeyset = (at: Date | string, id: string): string => encodeCursor([new Date(at).toISOString(), id])

const isKeysetPair = (v: any): v is [string, string] =>
  Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string' && isUuid(v[1]) && !Number.isNaN(Date.parse(v[0]))

/** Decodes {@link encodeKeyset}'s cursor; no cursor is `null` (the first page), a bad one throws 422. */
export function decodeKeyset(cursor: string | undefined): Keyset | null {
  if (!cursor) return null
  const [at, id] = decodeCursor(cursor, isKeysetPair)
  return { at: new Date(at), id }
}

/**
 * Splits `limit + 1` fetched rows into the page and the cursor of its last row: the extra
 * row only says that another page exists. `keyOf` gives the last row's cursor.
 */
export function page<T>(rows: T[], limit: number, keyOf: (last: T) => string): { items: T[]; next_cursor: string | null } {
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  return { items, next_cursor: rows.length > limit && last !== undefined ? keyOf(last) : null }
}

/** {@link page} for keyset lists: `keyOf` gives the last row's `(timestamp, uuid)`. */
export const keysetPage = <T>(rows: T[], limit: number, keyOf: (last: T) => { at: Date | string; id: string }) =>
  page(rows, limit, (last) => {
    const k = keyOf(last)
    return encodeKeyset(k.at, k.id)
  })
