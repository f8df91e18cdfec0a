import type { Tx } from '../../platform/db'
import type { OrderStatusValue } from './model'

export type OrderRow = {
  id: string; user_id: string; status: OrderStatusValue; total_cents: number; currency: string
  shipping_address: unknown; tracking_number: string | null; payment_intent_id: string | null; client_secret: string | null
  created_at: Date; updated_at: Date; paid_at: Date | null; expires_at: Date
  received_cents: number | null; received_currency: string | null; refunded_cents: number; refund_requested_cents: number
  dispute_id: string | null; dispute_status: string | null; disputed_from: OrderStatusValue | null; stock_held: boolean
}
export type OrderItemRow = { order_id: string; product_id: string; name: string; kind: string; course_id: string | null; quantity: number; unit_price_cents: number }

const ORDER_COLUMNS = ['id', 'user_id', 'status', 'total_cents', 'currency', 'shipping_address', 'tracking_number', 'payment_intent_id', 'client_secret', 'created_at', 'updated_at', 'paid_at', 'expires_at',
  'received_cents', 'received_currency', 'refunded_cents', 'refund_requested_cents', 'dispute_id', 'dispute_status', 'disputed_from', 'stock_held'] as const

export async function insertOrder(sql: Tx, o: { id: string; user_id: string; status: OrderStatusValue; total_cents: number; currency: string; shipping_address: unknown; ttl_minutes: number }): Promise<OrderRow> {
  const [row] = await sql<OrderRow[]>`
    insert into orders (id, user_id, status, total_cents, currency, shipping_address, expires_at, paid_at)
    values (${o.id}, ${o.user_id}, ${o.status}, ${o.total_cents}, ${o.currency}, ${o.shipping_address == null ? null : sql.json(o.shipping_address as never)},
      now() + make_interval(mins => ${o.ttl_minutes}), ${o.status === 'paid' ? sql`now()` : null})
    returning ${sql(ORDER_COLUMNS)}`
  return row!
}

export async function insertOrderItems(sql: Tx, items: OrderItemRow[]): Promise<void> {
  if (items.length) await sql`insert into order_items ${sql(items)}`
}

export async function findOrder(sql: Tx, id: string, opts: { lock?: boolean } = {}): Promise<OrderRow | null> {
  const [row] = await sql<OrderRow[]>`select ${sql(ORDER_COLUMNS)} from orders where id = ${id} ${opts.lock ? sql`for update` : sql``}`
  return row ?? null
}

export async function findOrderByPaymentIntent(sql: Tx, paymentIntentId: string): Promise<OrderRow | null> {
  const [row] = await sql<OrderRow[]>`select ${sql(ORDER_COLUMNS)} from orders where payment_intent_id = ${paymentIntentId}`
  return row ?? null
}

export async function findOrderItems(sql: Tx, orderIds: string[]): Promise<Map<string, OrderItemRow[]>> {
  const out = new Map<string, OrderItemRow[]>()
  if (orderIds.length === 0) return out
  const rows = await sql<OrderItemRow[]>`select * from order_items where order_id = any(${orderIds}::uuid[]) order by name, product_id`
  for (const r of rows) out.set(r.order_id, [...(out.get(r.order_id) ?? []), r])
  return out
}

/** Orders newest first, keyset-paged on (created_at, id). */
export async function listOrders(sql: Tx, f: { userId?: string; status?: string; limit: number; after?: { at: Date; id: string } }): Promise<OrderRow[]> {
  return sql<OrderRow[]>`
    select ${sql(ORDER_COLUMNS)} from orders
    where true
      ${f.userId ? sql`and user_id = ${f.userId}` : sql``}
      ${f.status ? sql`and status = ${f.status}` : sql``}
      ${f.after ? sql`and (created_at, id) < (${f.after.at}, ${f.after.id}::uuid)` : sql``}
    order by created_at desc, id desc limit ${f.limit + 1}`
}

/** Moves an order from one of `from` to `to`; null when it was in another state. */
export async function transitionOrder(sql: Tx, id: string, from: readonly OrderStatusValue[], to: OrderStatusValue, extra: { tracking_number?: string } = {}): Promise<OrderRow | null> {
  const [row] = await sql<OrderRow[]>`
    update orders set status = ${to}, updated_at = now(),
      paid_at = case when ${to} = 'paid' then coalesce(paid_at, now()) else paid_at end,
      tracking_number = coalesce(${extra.tracking_number ?? null}, tracking_number)
    where id = ${id} and status in ${sql(from as OrderStatusValue[])}
    returning ${sql(ORDER_COLUMNS)}`
  return row ?? null
}

export async function setOrderPayment(sql: Tx, id: string, paymentIntentId: string, clientSecret: string): Promise<void> {
  await sql`update orders set payment_intent_id = ${paymentIntentId}, client_secret = ${clientSecret}
    where id = ${id} and payment_intent_id is null`
}

/**
 * Takes `quantity` of each product if every one has enough stock (unlimited = null); a
 * conditional update per product, in id order so concurrent checkouts never deadlock.
 * Returns the id of the first product short of stock, or null when all were reserved.
 */
export async function reserveStock(sql: Tx, lines: { product_id: string; quantity: number }[]): Promise<string | null> {
  for (const l of [...lines].sort((a, b) => a.product_id.localeCompare(b.product_id))) {
    const rows = await sql`
      update products set stock = stock - ${l.quantity}, updated_at = now()
      where id = ${l.product_id} and (stock is null or stock >= ${l.quantity}) returning id`
    if (rows.length === 0) return l.product_id
  }
  return null
}

export async function releaseStock(sql: Tx, lines: { product_id: string; quantity: number }[]): Promise<void> {
  for (const l of [...lines].sort((a, b) => a.product_id.localeCompare(b.product_id))) {
    await sql`update products set stock = stock + ${l.quantity}, updated_at = now() where id = ${l.product_id} and stock is not null`
  }
}

export async function markAutoRefund(sql: Tx, id: string): Promise<void> {
  await sql`update orders set auto_refund_at = coalesce(auto_refund_at, now()), updated_at = now() where id = ${id}`
}

/** Clears `stock_held`; true only for the one caller that found it set (under the row lock). */
export async function takeStockHeld(sql: Tx, id: string): Promise<boolean> {
  return (await sql`update orders set stock_held = false where id = ${id} and stock_held returning 1`).length > 0
}

export async function setStockHeld(sql: Tx, id: string): Promise<void> {
  await sql`update orders set stock_held = true where id = ${id}`
}

/** What Stripe reported received for the order's payment. */
export async function recordReceived(sql: Tx, id: string, cents: number, currency: string): Promise<void> {
  await sql`update orders set received_cents = ${cents}, received_currency = ${currency.toLowerCase()}, updated_at = now() where id = ${id}`
}

/** Raises `refunded_cents` to Stripe's cumulative figure (never lowers it); true when it rose. */
export async function raiseRefunded(sql: Tx, id: string, cents: number): Promise<boolean> {
  return (await sql`update orders set refunded_cents = ${cents}, updated_at = now() where id = ${id} and refunded_cents < ${cents} returning 1`).length > 0
}

/** Reserves `amount` more of refunds asked of Stripe when `before` is still the figure (compare-and-set). */
export async function setRefundRequested(sql: Tx, id: string, before: number, after: number): Promise<boolean> {
  return (await sql`update orders set refund_requested_cents = ${after}, refund_requested_at = coalesce(refund_requested_at, now()), updated_at = now()
    where id = ${id} and refund_requested_cents = ${before} returning 1`).length > 0
}

/** Records the charge's dispute (id and Stripe's status) and, when opening one, the status it interrupts. */
export async function recordDispute(sql: Tx, id: string, dispute: { id: string; status: string }, disputedFrom?: OrderStatusValue): Promise<void> {
  await sql`update orders set dispute_id = ${dispute.id}, dispute_status = ${dispute.status},
    disputed_from = coalesce(${disputedFrom ?? null}, disputed_from), updated_at = now() where id = ${id}`
}
