import type { Tx } from '../../platform/db'
import { encodeCursor, tryDecodeCursor } from '../../platform/http/cursor'
import type { ProductQueryInput } from './model'
import { PRODUCT_COLUMNS, type ProductRow } from './queries'

type Cursor = { o?: number; v?: number | string; id?: string; f?: number }
// Lenient on purpose: an unreadable cursor restarts the listing (200) rather than failing, and
// `keyset` checks each field before it reaches SQL.
const isCursor = (c: any): c is Cursor => c !== null && typeof c === 'object'

/** `word:*` terms of the words in `search`, AND-ed: lets "prog" find "programming". */
export function prefixQuery(search: string): string | null {
  const words = search.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
  return words.length ? words.slice(0, 8).map((w) => `${w}:*`).join(' & ') : null
}

type Query = ProductQueryInput & { limit: number; status?: 'active' | 'archived' }

/**
 * How a search matches and ranks. `text`: the weighted vector (name A, tags/category B,
 * description C) against the web-style query OR-ed with prefix terms of every word (so
 * "ergon" finds "ergonomic"): one GIN-indexable `@@` and one `ts_rank`. `fuzzy`: trigram word
 * similarity to the name (GIN trigram index), used only when `text` finds nothing — it
 * forgives typos but costs more.
 */
function matcher(sql: Tx, search: string, fuzzy: boolean) {
  if (fuzzy) return { match: sql`${search} <% p.name`, rank: sql`word_similarity(${search}, p.name)` }
  const prefix = prefixQuery(search)
  const tsq = prefix
    ? sql`(websearch_to_tsquery('english', ${search}) || to_tsquery('english', ${prefix}))`
    : sql`websearch_to_tsquery('english', ${search})`
  return { match: sql`p.search @@ ${tsq}`, rank: sql`ts_rank(p.search, ${tsq})` }
}

/**
 * Active products matching the filters, ranked by relevance when searching. Keyset cursors
 * for price/newest; an offset cursor for relevance, whose float score does not round-trip
 * safely. The cursor remembers whether the fuzzy fallback produced the first page.
 */
export async function searchProducts(sql: Tx, q: Query): Promise<{ rows: ProductRow[]; next: string | null }> {
  const search = q.search?.trim() || undefined
  const cursor = q.cursor ? tryDecodeCursor(q.cursor, isCursor) : null
  const first = await searchPage(sql, q, search, cursor, cursor?.f === 1)
  if (first.rows.length > 0 || !search || cursor || !prefixQuery(search)) return first
  return searchPage(sql, q, search, null, true)
}

async function searchPage(sql: Tx, q: Query, search: string | undefined, cursor: Cursor | null, fuzzy: boolean) {
  const sort = q.sort ?? (search ? 'relevance' : 'newest')
  const m = search ? matcher(sql, search, fuzzy) : null
  const conds = [sql`p.status = ${q.status ?? 'active'}`]
  if (m) conds.push(m.match)
  if (q.category) conds.push(sql`p.category = ${q.category}`)
  if (q.tag) conds.push(sql`p.tags @> array[${q.tag}]::text[]`)
  if (q.kind) conds.push(sql`p.kind = ${q.kind}`)
  if (q.min_price !== undefined) conds.push(sql`p.price_cents >= ${q.min_price}`)
  if (q.max_price !== undefined) conds.push(sql`p.price_cents <= ${q.max_price}`)
  if (q.in_stock === true) conds.push(sql`(p.stock is null or p.stock > 0)`)
  if (q.in_stock === false) conds.push(sql`p.stock = 0`)
  let offset = 0
  if (sort === 'relevance') offset = Math.max(0, Math.floor(Number(cursor?.o ?? 0)) || 0)
  else if (cursor?.id && cursor.v !== undefined) conds.push(keyset(sql, sort, cursor))
  const where = conds.reduce((a, c) => sql`${a} and ${c}`)
  const order = {
    relevance: sql`rank desc, p.created_at desc, p.id desc`,
    newest: sql`p.created_at desc, p.id desc`,
    price_asc: sql`p.price_cents asc, p.id asc`,
    price_desc: sql`p.price_cents desc, p.id desc`,
  }[sort]
  const rows = await sql<(ProductRow & { rank: number })[]>`
    select ${sql(PRODUCT_COLUMNS.map((c) => `p.${c}`) as never)}, ${m ? m.rank : sql`0`} as rank
    from products p where ${where}
    order by ${order} limit ${q.limit + 1} offset ${offset}`
  const page = rows.slice(0, q.limit)
  const last = page.at(-1)
  let next: string | null = null
  if (rows.length > q.limit && last) {
    const f = fuzzy ? 1 : undefined
    next = sort === 'relevance'
      ? encodeCursor({ o: offset + q.limit, f } satisfies Cursor)
      : encodeCursor({ v: sort === 'newest' ? last.created_at.toISOString() : last.price_cents, id: last.id, f } satisfies Cursor)
  }
  return { rows: page, next }
}

function keyset(sql: Tx, sort: string, c: Cursor) {
  const id = String(c.id)
  if (!/^[0-9a-f-]{36}$/i.test(id)) return sql`false`
  if (sort === 'newest') {
    const at = new Date(String(c.v))
    if (Number.isNaN(at.getTime())) return sql`false`
    return sql`(p.created_at, p.id) < (${at}::timestamptz, ${id}::uuid)`
  }
  const v = Number(c.v)
  if (!Number.isInteger(v)) return sql`false`
  return sort === 'price_asc' ? sql`(p.price_cents, p.id) > (${v}, ${id}::uuid)` : sql`(p.price_cents, p.id) < (${v}, ${id}::uuid)`
}
