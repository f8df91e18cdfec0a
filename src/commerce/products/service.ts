import type { Deps } from '../../platform/deps'
import { isUniqueViolation } from '../../platform/db'
import { slugify } from '../../platform/slug'
import { fileContentUrl } from '../../accounts/public'
import { assertUsableFiles } from '../../files/public'
import { AppError } from '../../platform/http/errors'
import { commerceErrors } from '../errors'
import type { ProductCreateInput, ProductDto, ProductPatchInput, ProductQueryInput } from './model'
import { archiveProduct, findProduct, findRelatedProducts, insertProduct, slugExists, updateProduct, type ProductRow } from './queries'
import { searchProducts } from './search'

type D = Pick<Deps, 'sql'>

export const toProduct = (r: ProductRow): ProductDto => ({
  id: r.id, slug: r.slug, name: r.name, description: r.description, kind: r.kind, course_id: r.course_id,
  price_cents: r.price_cents, currency: r.currency, stock: r.stock, category: r.category, tags: r.tags,
  image_urls: r.image_file_ids.map(fileContentUrl), status: r.status, created_at: r.created_at,
})

/** A product's slug from its name (or a course's slug/title). */
export const productSlug = (name: string) => slugify(name, { maxLength: 100, fallback: 'product' })

/** The first free slug among `base`, `base-2`, `base-3`... (a random tail after a few tries). */
export async function freeSlug(d: D, base: string): Promise<string> {
  for (let i = 1; i <= 5; i++) {
    const slug = i === 1 ? base : `${base}-${i}`
    if (!(await slugExists(d.sql, slug))) return slug
  }
  return `${base}-${crypto.randomUUID().slice(0, 8)}`
}

/** Product images must be the acting admin's own uploads made for `product_image`. */
async function checkImages(d: D, actorId: string, ids: string[] | undefined) {
  if (ids?.length) await assertUsableFiles(d.sql, { fileIds: ids, ownerId: actorId, purpose: 'product_image' })
}

export async function createProduct(d: D, actorId: string, input: ProductCreateInput): Promise<ProductDto> {
  await checkImages(d, actorId, input.image_file_ids)
  if (input.kind === 'course' && !input.course_id) throw commerceErrors.invalidProduct('course_id', 'A course product needs course_id')
  if (input.kind !== 'course' && input.course_id) throw commerceErrors.invalidProduct('course_id', 'Only a course product has a course_id')
  const slug = input.slug ?? (await freeSlug(d, productSlug(input.name)))
  try {
    return toProduct(await insertProduct(d.sql, { ...input, slug }))
  } catch (err) {
    if (isUniqueViolation(err, 'products_slug_key')) throw commerceErrors.slugTaken()
    if (isUniqueViolation(err, 'products_course_id_key')) throw new AppError(409, 'conflict', 'A product already sells this course')
    throw err
  }
}

export async function patchProduct(d: D, actorId: string, id: string, input: ProductPatchInput): Promise<ProductDto> {
  const current = await findProduct(d.sql, id, true)
  if (!current) throw commerceErrors.productNotFound()
  await checkImages(d, actorId, input.image_file_ids)
  if (current.kind === 'course' && input.stock != null) throw commerceErrors.invalidProduct('stock', 'A course product has unlimited stock')
  try {
    const row = await updateProduct(d.sql, current.id, input)
    if (!row) throw commerceErrors.productNotFound()
    return toProduct(row)
  } catch (err) {
    if (isUniqueViolation(err, 'products_slug_key')) throw commerceErrors.slugTaken()
    throw err
  }
}

export async function deleteProduct(d: D, id: string): Promise<void> {
  if (!(await archiveProduct(d.sql, id))) throw commerceErrors.productNotFound()
}

export async function listProducts(d: D, q: ProductQueryInput & { status?: 'active' | 'archived' }) {
  const { rows, next } = await searchProducts(d.sql, { ...q, limit: q.limit ?? 20 })
  return { items: rows.map(toProduct), next_cursor: next }
}

/** One product for admins, archived ones included. */
export async function getAdminProduct(d: D, id: string): Promise<ProductDto> {
  const product = await findProduct(d.sql, id, true)
  if (!product) throw commerceErrors.productNotFound()
  return toProduct(product)
}

export async function getProductDetail(d: D, idOrSlug: string) {
  const product = await findProduct(d.sql, idOrSlug)
  if (!product) throw commerceErrors.productNotFound()
  const related = await findRelatedProducts(d.sql, product)
  return { product: toProduct(product), related: related.map(toProduct) }
}
