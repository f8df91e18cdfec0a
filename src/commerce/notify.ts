import type { Deps } from '../platform/deps'
import { enqueueEmail } from '../platform/mail/queue'
import { findUserContact } from '../accounts/public'
import { findOrder } from './orders/queries'
import { loadOrder } from './orders/shape'

type D = Pick<Deps, 'sql' | 'queues' | 'hub' | 'config'>

const money = (cents: number, currency: string) => `${(cents / 100).toFixed(2)} ${currency.toUpperCase()}`

/** Queues the order confirmation email once per order (natural job id). */
export async function sendOrderConfirmation(d: D, orderId: string): Promise<void> {
  const order = await findOrder(d.sql, orderId)
  if (!order) return
  const contact = await findUserContact(d.sql, order.user_id)
  if (!contact) return
  const loaded = await loadOrder(d.sql, order)
  const items = loaded.items.map((i) => `${i.quantity} x ${i.name} (${money(i.unit_price_cents, order.currency)})`).join('; ')
  await enqueueEmail(d.queues, {
    template: 'order-confirmation',
    to: contact.email,
    vars: { display_name: contact.display_name, order_id: order.id, items, total: money(order.total_cents, order.currency), app_url: d.config.APP_URL },
  }, `order-confirmation-${order.id}`)
}

const EMAILED = new Set(['processing', 'shipped', 'delivered', 'refunded'])

/**
 * Tells the customer about a status change: a `notification {kind: "order_status"}` on every
 * socket, and an email for fulfilment steps and refunds (payment has its own confirmation).
 */
export async function notifyOrderStatus(d: D, e: { order_id: string; user_id: string; to: string }): Promise<void> {
  await d.hub.publish([e.user_id], 'notification', { kind: 'order_status', order_id: e.order_id, status: e.to })
  if (!EMAILED.has(e.to)) return
  const order = await findOrder(d.sql, e.order_id)
  const contact = await findUserContact(d.sql, e.user_id)
  if (!order || !contact) return
  await enqueueEmail(d.queues, {
    template: 'order-status',
    to: contact.email,
    vars: {
      display_name: contact.display_name, order_id: order.id, status: e.to.replace('_', ' '),
      tracking: order.tracking_number ? `Tracking number: ${order.tracking_number}` : '', app_url: d.config.APP_URL,
    },
  }, `order-status-${order.id}-${e.to}`)
}
