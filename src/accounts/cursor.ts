import { httpErrors } from '../platform/http/errors'

/** Opaque keyset cursor: base64url of `{at, id}` of the last row of a page. */
export const encodeCursor = (at: Date, id: string) => Buffer.from(JSON.stringify({ at: at.toISOString(), id })).toString('base64url')

export function decodeCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  if (!cursor) return undefined
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { at?: unknown; id?: unknown }
    const at = new Date(String(v.at))
    if (typeof v.id !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v.id) || Number.isNaN(at.getTime())) throw new Error('bad cursor')
    return { at, id: v.id }
  } catch {
    throw httpErrors.validation([{ field: 'cursor', message: 'Invalid cursor' }])
  }
}

/** `{items, next_cursor}` from `limit + 1` fetched rows. */
export function page<R, I>(rows: R[], limit: number, keyOf: (r: R) => { at: Date; id: string }, map: (r: R) => I) {
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  const next_cursor = rows.length > limit && last ? encodeCursor(keyOf(last).at, keyOf(last).id) : null
  return { items: items.map(map), next_cursor }
}
