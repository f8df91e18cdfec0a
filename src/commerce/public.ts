/**
 * What workers and other domains may ask of commerce. Commerce never imports courses:
 * course flows (publish → product, payment → enrollment, refund → revoke) run in workers/.
 */
import type { Deps } from '../platform/deps'
import type { Tx } from '../platform/db'
import { closeUnpaidOrder } from './orders/lifecycle'
import { ownedCourseIds } from './ownership'

export { revenueByCurrencyAndDay, type RevenueByCurrency } from './stats'
export { syncCourseProduct, type CourseForSale } from './course-products'
export { processStripeEvent } from './payments/webhook'
export { sendOrderConfirmation, notifyOrderStatus } from './notify'
export { EXPIRE_ORDER_JOB, ExpireOrderJob, expireOrderJobId, ORDER_CREATED_EVENT, STRIPE_EVENT_RECEIVED } from './jobs'

/** Whether the user bought the course (a paid, not refunded order holds it). */
export async function userOwnsCourse(sql: Tx, userId: string, courseId: string): Promise<boolean> {
  return (await ownedCourseIds(sql, userId, [courseId])).has(courseId)
}

/** The TTL job: an order still unpaid becomes `expired`, its stock released and its PaymentIntent cancelled. */
export async function expireOrder(d: Pick<Deps, 'sql' | 'config' | 'log'>, orderId: string): Promise<boolean> {
  return !!(await closeUnpaidOrder(d, orderId, 'expired'))
}
