import { isUuid } from '../../platform/ids'
import type { Tx } from '../../platform/db'
import type { ProductCreateInput, ProductPatchInput } from './model'

export type ProductRow = {
  id: string; slug: string; name: string; description: string; kind: 'course' | 'digital' | 'physical'
  course_id: string | null; price_cents: number; currency: string; stock: number | null; category: string | null
  tags: string[]; image_file_ids: string[]; status: 'active' | 'archived'; created_at: Date
}

export const PRODUCT_COLUMNS = ['id', 'slug', 'name', 'description', 'kind', 'course_id', 'price_cents', 'currency', 'stock', 'category', 'tags', 'image_file_ids', 'status', 'created_at'] as const

export async function insertProduct(sql: Tx, p: ProductCreateInput & { slug: string }): Promise<ProductRow> {
  const [row] = await sql<ProductRow[]>`
    insert into products (slug, name, description, kind, course_id, price_cents, currency, stock, category, tags, image_file_ids)
    values (${p.slug}, ${p.name}, ${p.description}, ${p.kind}, ${p.course_id ?? null}, ${p.price_cents}, ${p.currency.toLowerCase()},
      ${p.kind === 'course' ? null : (p.stock ?? null)}, ${p.category ?? null}, ${p.tags ?? []}, ${p.image_file_ids ?? []}::uuid[])
    returning ${sql(PRODUCT_COLUMNS)}`
  return row!
}

export async function updateProduct(sql: Tx, id: string, p: ProductPatchInput): Promise<ProductRow | null> {
  const { image_file_ids, ...rest } = p
  const set: Record<string, unknown> = { ...rest, updated_at: new Date() }
  if (p.currency) set.currency = p.currency.toLowerCase()
  const columns = Object.keys(set).filter((k) => set[k] !== undefined)
  const [row] = await sql<ProductRow[]>`
    update products set ${sql(set as Record<string, never>, columns)}
      ${image_file_ids ? sql`, image_file_ids = ${image_file_ids}::uuid[]` : sql``}
    where id = ${id} returning ${sql(PRODUCT_COLUMNS)}`
  return row ?? null
}

export async function archiveProduct(sql: Tx, id: string): Promise<boolean> {
  const rows = await sql`update products set status = 'archived', updated_at = now() where id = ${id} returning id`
  return rows.length > 0
}

/** By id or slug; archived ones only when `includeArchived`. */
export async function findProduct(sql: Tx, idOrSlug: string, includeArchived = false): Promise<ProductRow | null> {
  const byId = isUuid(idOrSlug)
  const [row] = await sql<ProductRow[]>`
    select ${sql(PRODUCT_COLUMNS)} from products
    where ${byId ? sql`id = ${idOrSlug}` : sql`slug = ${idOrSlug}`}
      and (${includeArchived} or status = 'active')`
  return row ?? null
}

export async function slugExists(sql: Tx, slug: string): Promise<boolean> {
  const [row] = await sql`select 1 from products where slug = ${slug}`
  return !!row
}

/**
 * Related products: bought together in paid orders (strongest), then shared tags, then the
 * same category; active ones only, never the product itself.
 */
export async function findRelatedProducts(sql: Tx, p: ProductRow, limit = 8): Promise<ProductRow[]> {
  return sql<ProductRow[]>`
    with together as (
      select other.product_id, count(*)::int as n
      from order_items mine
      join orders o on o.id = mine.order_id and o.status in ('paid', 'processing', 'shipped', 'delivered')
      join order_items other on other.order_id = mine.order_id and other.product_id <> mine.product_id
      where mine.product_id = ${p.id}
      group by other.product_id
    )
    select ${sql(PRODUCT_COLUMNS.map((c) => `p.${c}`) as never)}
    from products p left join together t on t.product_id = p.id
    where p.status = 'active' and p.id <> ${p.id}
      and (t.n is not null or p.tags && ${p.tags}::text[] or (${p.category}::text is not null and p.category = ${p.category}))
    order by coalesce(t.n, 0) * 3
      + cardinality(array(select unnest(p.tags) intersect select unnest(${p.tags}::text[])))
      + (case when p.category = ${p.category} then 1 else 0 end) desc, p.created_at desc, p.id
    limit ${limit}`
}

/** The id of the product with this slug (any status), for routes that accept a slug as `:id`. */
export async function findProductIdBySlug(sql: Tx, slug: string): Promise<string | null> {
  const [row] = await sql<{ id: string }[]>`select id from products where slug = ${slug}`
  return row?.id ?? null
}
