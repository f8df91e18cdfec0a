import { messagingErrors } from './errors'

/** Opaque list cursors: base64url JSON of the last item's sort key. */
export const encodeCursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** Decodes a cursor and checks its shape; anything else is 422 on `cursor` (never a 500). */
export function decodeCursor<T>(cursor: string, valid: (v: any) => v is T): T {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw messagingErrors.badCursor()
  }
  if (!valid(value)) throw messagingErrors.badCursor()
  return value
}
