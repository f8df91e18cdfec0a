import type { Deps } from '../../platform/deps'
import type { Tx } from '../../platform/db'
import { commerceErrors } from '../errors'
import { ownedCourseIds } from '../ownership'
import { toProduct } from '../products/service'
import type { CartDto, CartMergeInput, CartWarningDto } from './model'
import { deleteCartItem, findActiveProducts, findCartQuantity, findCartRows, findUnavailableCartLines, productExists, setCartQuantity } from './queries'

type D = Pick<Deps, 'sql'>

/** The cart as SPEC shapes it; its currency is that of its first line. */
export async function getCart(d: D, userId: string, warnings?: CartWarningDto[]): Promise<CartDto> {
  const rows = await findCartRows(d.sql, userId)
  const unavailable = await findUnavailableCartLines(d.sql, userId)
  if (unavailable.length) {
    warnings = [...(warnings ?? []), ...unavailable.map((id) => ({ product_id: id, code: 'unavailable' as const, message: 'This product is no longer sold: remove it to check out' }))]
  }
  const items = rows.map((r) => ({ product: toProduct(r.product), quantity: r.quantity, line_total_cents: r.product.price_cents * r.quantity }))
  const cart: CartDto = {
    items,
    subtotal_cents: items.reduce((s, i) => s + i.line_total_cents, 0),
    currency: rows[0]?.product.currency ?? null,
  }
  if (warnings) cart.warnings = warnings
  return cart
}

async function activeProduct(sql: Tx, productId: string) {
  const product = (await findActiveProducts(sql, [productId])).get(productId)
  if (product) return product
  throw (await productExists(sql, productId)) ? commerceErrors.productUnavailable([productId]) : commerceErrors.productNotFound()
}

/** Adds to an existing line; the total must fit the stock; a course is quantity 1 and not already owned. */
export async function addCartItem(d: D, userId: string, productId: string, quantity = 1): Promise<CartDto> {
  const warnings: CartWarningDto[] = []
  await d.sql.begin(async (tx) => {
    const product = await activeProduct(tx, productId)
    if (product.kind === 'course') {
      if ((await ownedCourseIds(tx, userId, [product.course_id!])).size) throw commerceErrors.alreadyOwned()
      if (quantity > 1 || (await findCartQuantity(tx, userId, productId)) > 0) {
        warnings.push({ product_id: productId, code: 'quantity_one', message: 'A course is bought once: quantity set to 1' })
      }
      return setCartQuantity(tx, userId, productId, 1)
    }
    await tx`select pg_advisory_xact_lock(hashtext(${`cart:${userId}`}))`
    const next = (await findCartQuantity(tx, userId, productId)) + quantity
    if (product.stock !== null && next > product.stock) throw commerceErrors.outOfStock(productId, product.stock)
    await setCartQuantity(tx, userId, productId, next)
  })
  return getCart(d, userId, warnings.length ? warnings : undefined)
}

/** Sets a line's quantity (the line must exist). */
export async function updateCartItem(d: D, userId: string, productId: string, quantity: number): Promise<CartDto> {
  const warnings: CartWarningDto[] = []
  await d.sql.begin(async (tx) => {
    if ((await findCartQuantity(tx, userId, productId)) === 0) throw commerceErrors.productNotFound()
    const product = await activeProduct(tx, productId)
    if (product.kind === 'course' && quantity > 1) {
      warnings.push({ product_id: productId, code: 'quantity_one', message: 'A course is bought once: quantity set to 1' })
      quantity = 1
    }
    if (product.stock !== null && quantity > product.stock) throw commerceErrors.outOfStock(productId, product.stock)
    await setCartQuantity(tx, userId, productId, quantity)
  })
  return getCart(d, userId, warnings.length ? warnings : undefined)
}

export async function removeCartItem(d: D, userId: string, productId: string): Promise<CartDto> {
  await deleteCartItem(d.sql, userId, productId)
  return getCart(d, userId)
}

/**
 * Merges a client's local cart: quantities add up and are capped at stock; a course is
 * quantity 1 and dropped when already owned; unknown or archived products are dropped.
 */
export async function mergeCart(d: D, userId: string, input: CartMergeInput): Promise<CartDto> {
  const incoming = new Map<string, number>()
  for (const i of input.items) incoming.set(i.product_id, (incoming.get(i.product_id) ?? 0) + i.quantity)
  const warnings: CartWarningDto[] = []
  await d.sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext(${`cart:${userId}`}))`
    const products = await findActiveProducts(tx, [...incoming.keys()])
    const courseIds = [...products.values()].flatMap((p) => (p.course_id ? [p.course_id] : []))
    const owned = await ownedCourseIds(tx, userId, courseIds)
    for (const [productId, qty] of incoming) {
      const w = await mergeLine(tx, userId, productId, qty, products.get(productId), owned)
      if (w) warnings.push(w)
    }
  })
  return getCart(d, userId, warnings)
}

async function mergeLine(
  tx: Tx, userId: string, productId: string, qty: number,
  product: Awaited<ReturnType<typeof findActiveProducts>> extends Map<string, infer P> ? P | undefined : never,
  owned: Set<string>,
): Promise<CartWarningDto | null> {
  if (!product) return { product_id: productId, code: 'dropped', message: 'This product is no longer available' }
  const existing = await findCartQuantity(tx, userId, productId)
  if (product.kind === 'course') {
    if (owned.has(product.course_id!)) {
      await deleteCartItem(tx, userId, productId)
      return { product_id: productId, code: 'already_owned', message: 'You already own this course' }
    }
    await setCartQuantity(tx, userId, productId, 1)
    return existing + qty > 1 ? { product_id: productId, code: 'quantity_one', message: 'A course is bought once: quantity set to 1' } : null
  }
  const wanted = existing + qty
  if (product.stock === null || wanted <= product.stock) {
    await setCartQuantity(tx, userId, productId, wanted)
    return null
  }
  if (product.stock === 0) {
    await deleteCartItem(tx, userId, productId)
    return { product_id: productId, code: 'dropped', message: 'This product is out of stock' }
  }
  await setCartQuantity(tx, userId, productId, product.stock)
  return { product_id: productId, code: 'capped', message: `Only ${product.stock} in stock: quantity capped` }
}
