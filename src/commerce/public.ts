/**
 * What workers and other domains may ask of commerce. Commerce never imports courses:
 * course flows (publish → product, payment → enrollment, refund → revoke) run in workers/.
 */
import type { Deps } from '../platform/deps'
import type { Sql, Tx } from '../platform/db'
import { closeUnpaidOrder } from './orders/lifecycle'
import { ownedCourseIds } from './ownership'

export { revenueByCurrencyAndDay, type RevenueByCurrency } from './stats'
export { syncCourseProduct, type CourseForSale } from './course-products'
export { processStripeEvent } from './payments/webhook'
export { sendOrderConfirmation, notifyOrderStatus } from './notify'
export { ORDER_DISPUTED_EVENT, ORDER_ACCESS_RESTORED_EVENT } from './jobs'
export { EXPIRE_ORDER_JOB, ExpireOrderJob, expireOrderJobId, ORDER_CREATED_EVENT, STRIPE_EVENT_RECEIVED, SWEEP_JOB, SWEEP_SCHEDULER_ID, SWEEP_EVERY_MS } from './jobs'

/** Whether the user bought the course (a paid, not refunded order holds it). */
export async function userOwnsCourse(sql: Tx, userId: string, courseId: string): Promise<boolean> {
  return (await ownedCourseIds(sql, userId, [courseId])).has(courseId)
}

/**
 * Runs `fn` in a transaction holding the (user, course) access lock, told whether the user
 * owns the course right now. Grants and revocations of one course for one user are applied
 * one at a time against the current orders, so an event handled late (a `payment.completed`
 * after `order.refunded`) can never grant what a refund or a dispute took back.
 */
export async function withCourseOwnership<T>(sql: Sql, userId: string, courseId: string, fn: (tx: Tx, owns: boolean) => Promise<T>): Promise<T> {
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext(${`course-access:${userId}:${courseId}`}))`
    return fn(tx, (await ownedCourseIds(tx, userId, [courseId])).has(courseId))
  }) as Promise<T>
}

/** The TTL job: an order still unpaid becomes `expired`, its stock released and its PaymentIntent cancelled. */
export async function expireOrder(d: Pick<Deps, 'sql' | 'config' | 'log'>, orderId: string): Promise<boolean> {
  return !!(await closeUnpaidOrder(d, orderId, 'expired'))
}

/**
 * The periodic sweep: expires unpaid orders whose TTL job was lost (e.g. Redis restored from
 * an old snapshot), forgets Idempotency-Keys after a day and processed Stripe events after
 * 30 days (Stripe retries for 3 days).
 */
export async function sweepCommerce(d: Pick<Deps, 'sql' | 'config' | 'log'>): Promise<{ expired: number }> {
  const overdue = await d.sql<{ id: string }[]>`
    select id from orders where status in ('pending_payment', 'payment_failed') and expires_at < now() - interval '1 minute'
    order by expires_at limit 200`
  let expired = 0
  for (const o of overdue) if (await closeUnpaidOrder(d, o.id, 'expired')) expired++
  await d.sql`delete from order_idempotency_keys where created_at < now() - interval '1 day'`
  await d.sql`delete from stripe_events where processed_at < now() - interval '30 days'`
  return { expired }
}
