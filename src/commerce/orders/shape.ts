import type { Tx } from '../../platform/db'
import type { OrderDto } from './model'
import { findOrderItems, type OrderItemRow, type OrderRow } from './queries'

export type LoadedOrder = OrderRow & { items: OrderItemRow[] }

export async function loadOrder(sql: Tx, order: OrderRow): Promise<LoadedOrder> {
  return { ...order, items: (await findOrderItems(sql, [order.id])).get(order.id) ?? [] }
}

export async function loadOrders(sql: Tx, orders: OrderRow[]): Promise<LoadedOrder[]> {
  const items = await findOrderItems(sql, orders.map((o) => o.id))
  return orders.map((o) => ({ ...o, items: items.get(o.id) ?? [] }))
}

const iso = (d: Date | null) => (d ? d.toISOString() : null)

export const toOrder = (o: LoadedOrder): OrderDto => ({
  id: o.id, user_id: o.user_id, status: o.status,
  items: o.items.map((i) => ({ product_id: i.product_id, name: i.name, kind: i.kind, course_id: i.course_id, quantity: i.quantity, unit_price_cents: i.unit_price_cents })),
  total_cents: o.total_cents, currency: o.currency, shipping_address: o.shipping_address ?? null, tracking_number: o.tracking_number,
  payment_intent_id: o.payment_intent_id, created_at: o.created_at.toISOString(), updated_at: o.updated_at.toISOString(),
  paid_at: iso(o.paid_at), expires_at: o.expires_at.toISOString(),
  refunded_cents: o.refunded_cents, received_cents: o.received_cents, received_currency: o.received_currency, dispute_status: o.dispute_status,
})

/** The agreed `payment.completed` payload. */
export const paymentCompletedPayload = (o: OrderRow, courseIds: string[]) => ({
  order_id: o.id, user_id: o.user_id, total_cents: o.total_cents, currency: o.currency, course_ids: courseIds,
})

export const courseIdsOf = (items: OrderItemRow[]) => items.flatMap((i) => (i.course_id ? [i.course_id] : []))
