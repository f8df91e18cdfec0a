import { t } from 'elysia'

export const ProductKind = t.Union([t.Literal('course'), t.Literal('digital'), t.Literal('physical')])
const Currency = t.String({ pattern: '^[a-zA-Z]{3}$', description: 'ISO-4217, stored lower case' })
const Slug = t.String({ pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$', minLength: 1, maxLength: 120 })
const Tag = t.String({ minLength: 1, maxLength: 40 })

const PRODUCT_EXAMPLE = {
  id: 'af16a45c-d3bc-4f24-9ac1-5c6d7e8f9001', slug: 'lyceum-notebook', name: 'Lyceum Notebook', description: 'A paper notebook for study notes.', kind: 'physical',
  course_id: null, price_cents: 1200, currency: 'usd', stock: 25, category: 'stationery', tags: ['paper'], image_urls: [], status: 'active', created_at: '2026-01-15T09:30:00.000Z',
}

export const Product = t.Object(
  {
    id: t.String({ format: 'uuid' }),
    slug: t.String(),
    name: t.String(),
    description: t.String(),
    kind: ProductKind,
    course_id: t.Nullable(t.String({ format: 'uuid' })),
    price_cents: t.Integer(),
    currency: t.String(),
    stock: t.Nullable(t.Integer({ description: 'null = unlimited' })),
    category: t.Nullable(t.String()),
    tags: t.Array(t.String()),
    image_urls: t.Array(t.String()),
    status: t.Union([t.Literal('active'), t.Literal('archived')]),
    created_at: t.Date(),
  },
  { title: 'Product', examples: [PRODUCT_EXAMPLE] },
)
export type ProductDto = typeof Product.static

export const ProductCreate = t.Object({
  name: t.String({ minLength: 1, maxLength: 200 }),
  slug: t.Optional(Slug),
  description: t.String({ maxLength: 20000 }),
  price_cents: t.Integer({ minimum: 0, maximum: 100_000_000 }),
  currency: Currency,
  kind: ProductKind,
  course_id: t.Optional(t.Nullable(t.String({ format: 'uuid' }))),
  stock: t.Optional(t.Nullable(t.Integer({ minimum: 0, maximum: 1_000_000_000 }))),
  category: t.Optional(t.Nullable(t.String({ minLength: 1, maxLength: 80 }))),
  tags: t.Optional(t.Array(Tag, { maxItems: 20 })),
  image_file_ids: t.Optional(t.Array(t.String({ format: 'uuid' }), { maxItems: 20 })),
}, { examples: [{ name: 'Study Planner (PDF)', slug: 'study-planner-pdf', description: 'A printable weekly study planner.', price_cents: 500, currency: 'usd', kind: 'digital', stock: null, category: 'downloads', tags: ['planner'] }] })
export type ProductCreateInput = typeof ProductCreate.static

const { kind: _k, course_id: _c, ...patchable } = ProductCreate.properties
export const ProductPatch = t.Partial(t.Object({ ...patchable, status: t.Union([t.Literal('active'), t.Literal('archived')]) }), { examples: [{ price_cents: 1500, stock: 40 }] })
export type ProductPatchInput = typeof ProductPatch.static

export const ProductSort = t.Union([t.Literal('relevance'), t.Literal('price_asc'), t.Literal('price_desc'), t.Literal('newest')])
export const ProductQuery = t.Object({
  search: t.Optional(t.String({ maxLength: 200 })),
  category: t.Optional(t.String()),
  tag: t.Optional(t.String()),
  kind: t.Optional(ProductKind),
  min_price: t.Optional(t.Integer({ minimum: 0 })),
  max_price: t.Optional(t.Integer({ minimum: 0 })),
  in_stock: t.Optional(t.Boolean()),
  sort: t.Optional(ProductSort),
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: t.Optional(t.String({ maxLength: 500 })),
})
export type ProductQueryInput = typeof ProductQuery.static
export const AdminProductQuery = t.Object({ ...ProductQuery.properties, status: t.Optional(t.Union([t.Literal('active'), t.Literal('archived')])) })
export type AdminProductQueryInput = typeof AdminProductQuery.static

export const ProductList = t.Object({ items: t.Array(Product), next_cursor: t.Nullable(t.String()) })
export const ProductDetail = t.Object({ product: Product, related: t.Array(Product) }, { title: 'ProductDetail', examples: [{ product: PRODUCT_EXAMPLE, related: [] }] })
