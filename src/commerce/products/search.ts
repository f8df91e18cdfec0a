import type { Tx } from '../../platform/db'
import type { ProductQueryInput } from './model'
import { PRODUCT_COLUMNS, type ProductRow } from './queries'

type Cursor = { o?: number; v?: number | string; id?: string }

export const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url')
export function decodeCursor(s: string | undefined): Cursor | null {
  if (!s) return null
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString()) as Cursor
    return c && typeof c === 'object' ? c : null
  } catch {
    return null
  }
}

/** `word:*` terms of the words in `search`, AND-ed: lets "prog" find "programming". */
export function prefixQuery(search: string): string | null {
  const words = search.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
  return words.length ? words.slice(0, 8).map((w) => `${w}:*`).join(' & ') : null
}

const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/**
 * Active products matching the filters. With `search`: full text on the weighted vector
 * (name A, tags/category B, description C) or its prefix terms, or a substring of the name
 * (trigram GIN index); ranked by text rank plus trigram word similarity to the name (which
 * is only computed for matches: as a filter it forced a scan of every row). Keyset cursors for price/newest; an offset cursor for relevance, whose
 * float score does not round-trip safely.
 */
export async function searchProducts(sql: Tx, q: ProductQueryInput & { limit: number; status?: 'active' | 'archived' }): Promise<{ rows: ProductRow[]; next: string | null }> {
  const search = q.search?.trim() || undefined
  const sort = q.sort ?? (search ? 'relevance' : 'newest')
  const cursor = decodeCursor(q.cursor)
  const prefix = search ? prefixQuery(search) : null
  const conds = [sql`p.status = ${q.status ?? 'active'}`]
  if (search) {
    conds.push(sql`(p.search @@ websearch_to_tsquery('english', ${search})
      ${prefix ? sql`or p.search @@ to_tsquery('english', ${prefix})` : sql``}
      or p.name ilike ${likePattern(search)})`)
  }
  if (q.category) conds.push(sql`p.category = ${q.category}`)
  if (q.tag) conds.push(sql`p.tags @> array[${q.tag}]::text[]`)
  if (q.kind) conds.push(sql`p.kind = ${q.kind}`)
  if (q.min_price !== undefined) conds.push(sql`p.price_cents >= ${q.min_price}`)
  if (q.max_price !== undefined) conds.push(sql`p.price_cents <= ${q.max_price}`)
  if (q.in_stock === true) conds.push(sql`(p.stock is null or p.stock > 0)`)
  if (q.in_stock === false) conds.push(sql`p.stock = 0`)
  const rank = search
    ? sql`(ts_rank_cd(p.search, websearch_to_tsquery('english', ${search})) * 2
        ${prefix ? sql`+ ts_rank(p.search, to_tsquery('english', ${prefix}))` : sql``}
        + word_similarity(${search}, p.name))`
    : sql`0`
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
    select ${sql(PRODUCT_COLUMNS.map((c) => `p.${c}`) as never)}, ${rank} as rank
    from products p where ${where}
    order by ${order} limit ${q.limit + 1} offset ${offset}`
  const page = rows.slice(0, q.limit)
  const last = page.at(-1)
  let next: string | null = null
  if (rows.length > q.limit && last) {
    next = sort === 'relevance'
      ? encodeCursor({ o: offset + q.limit })
      : encodeCursor({ v: sort === 'newest' ? last.created_at.toISOString() : last.price_cents, id: last.id })
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
