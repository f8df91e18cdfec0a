import type { Tx } from '../../platform/db'
import { PRODUCT_COLUMNS, type ProductRow } from '../products/queries'

export type CartRow = { product: ProductRow; quantity: number }

/** The user's cart lines whose products are still active, oldest first. */
export async function findCartRows(sql: Tx, userId: string): Promise<CartRow[]> {
  const rows = await sql<(ProductRow & { cart_quantity: number })[]>`
    select ${sql(PRODUCT_COLUMNS.map((c) => `p.${c}`) as never)}, ci.quantity as cart_quantity
    from cart_items ci join products p on p.id = ci.product_id
    where ci.user_id = ${userId} and p.status = 'active'
    order by ci.added_at, p.id`
  return rows.map(({ cart_quantity, ...product }) => ({ product: product as ProductRow, quantity: cart_quantity }))
}

export async function findCartQuantity(sql: Tx, userId: string, productId: string): Promise<number> {
  const [row] = await sql<{ quantity: number }[]>`select quantity from cart_items where user_id = ${userId} and product_id = ${productId}`
  return row?.quantity ?? 0
}

export async function setCartQuantity(sql: Tx, userId: string, productId: string, quantity: number): Promise<void> {
  await sql`
    insert into cart_items (user_id, product_id, quantity) values (${userId}, ${productId}, ${quantity})
    on conflict (user_id, product_id) do update set quantity = excluded.quantity`
}

export async function deleteCartItem(sql: Tx, userId: string, productId: string): Promise<boolean> {
  return (await sql`delete from cart_items where user_id = ${userId} and product_id = ${productId} returning 1`).length > 0
}

export async function clearCart(sql: Tx, userId: string): Promise<void> {
  await sql`delete from cart_items where user_id = ${userId}`
}

/** Active products by id, with a row lock when `lock` (cart writes serialise per product line). */
export async function findActiveProducts(sql: Tx, ids: string[]): Promise<Map<string, ProductRow>> {
  if (ids.length === 0) return new Map()
  const rows = await sql<ProductRow[]>`
    select ${sql(PRODUCT_COLUMNS)} from products where id = any(${ids}::uuid[]) and status = 'active'`
  return new Map(rows.map((r) => [r.id, r]))
}

/** Ids of the user's cart lines whose product is archived (no longer sold). */
export async function findUnavailableCartLines(sql: Tx, userId: string): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    select p.id from cart_items ci join products p on p.id = ci.product_id
    where ci.user_id = ${userId} and p.status <> 'active' order by ci.added_at, p.id`
  return rows.map((r) => r.id)
}

/** Whether a product exists at all (an archived one too). */
export async function productExists(sql: Tx, id: string): Promise<boolean> {
  return (await sql`select 1 from products where id = ${id}`).length > 0
}
