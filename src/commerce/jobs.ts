import { t } from 'elysia'

/** Maintenance job that expires an unpaid order after ORDER_TTL_MINUTES (job id `order-expire-<id>`). */
export const EXPIRE_ORDER_JOB = 'commerce.expire-order'
export const ExpireOrderJob = t.Object({ order_id: t.String({ format: 'uuid' }) })
export type ExpireOrderJob = typeof ExpireOrderJob.static
export const expireOrderJobId = (orderId: string) => `order-expire-${orderId}`

/** Events commerce writes besides the agreed ones (consumed by its own flows in workers/events.ts). */
export const ORDER_CREATED_EVENT = 'order.created'
export const STRIPE_EVENT_RECEIVED = 'stripe.event_received'
/** A dispute opened on a paid order: `{order_id, user_id, course_ids}` whose access is revoked. */
export const ORDER_DISPUTED_EVENT = 'order.disputed'
/** A dispute won: `{order_id, user_id, course_ids}` whose access (and certificate) comes back. */
export const ORDER_ACCESS_RESTORED_EVENT = 'order.access_restored'

/** Repeatable safety net (every 5 minutes): overdue unpaid orders, old idempotency keys and webhook events. */
export const SWEEP_JOB = 'commerce.sweep'
export const SWEEP_SCHEDULER_ID = 'commerce-sweep'
export const SWEEP_EVERY_MS = 5 * 60 * 1000
