import { aiErrors } from '../errors'

/** Opaque keyset cursor over (timestamp, id). */
export const encodeCursor = (at: Date, id: string) => Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url')

export function decodeCursor(cursor?: string): { at: Date; id: string } | null {
  if (!cursor) return null
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string]
    const date = new Date(at)
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(date.getTime())) throw new Error('bad')
    return { at: date, id }
  } catch {
    throw aiErrors.badCursor()
  }
}

/** `{items, next_cursor}` from `limit + 1` fetched rows. */
export function page<T extends { id: string }>(rows: T[], limit: number, at: (r: T) => Date) {
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  return { items, next_cursor: rows.length > limit && last ? encodeCursor(at(last), last.id) : null }
}

/** Opaque cursor over an insertion counter (`n`). */
export const encodeSeqCursor = (n: string) => Buffer.from(`n:${n}`).toString('base64url')
export function decodeSeqCursor(cursor?: string): string | null {
  if (!cursor) return null
  const m = /^n:(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString())
  if (!m) throw aiErrors.badCursor()
  return m[1]!
}
