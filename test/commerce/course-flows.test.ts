import { beforeAll, describe, expect, test } from 'bun:test'
import { call, testApp, testWorkers, waitFor } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { chargeRefundedEvent, paymentIntentEvent, stripeStandIn } from '../helpers/stripe'
import { deliver, newPaidCourse, orderStatus, theAdmin } from './fixtures'

beforeAll(async () => {
  stripeStandIn()
  await testWorkers()
})

async function courseProduct(courseId: string, where: (p: { price_cents: number; name: string }) => boolean = () => true) {
  const { deps } = await testApp()
  return waitFor(async () => {
    const [p] = await deps.sql<{ id: string; name: string; price_cents: number; kind: string; status: string }[]>`
      select id, name, price_cents, kind, status from products where course_id = ${courseId}`
    return p && where(p) ? p : null
  }, { what: 'course product', timeoutMs: 20000 })
}

describe('course purchase flows (through workers/events.ts)', () => {
  test('publishing a paid course creates its product; a price change updates it', async () => {
    const { course, instructor } = await newPaidCourse(4900)
    const p = await courseProduct(course.id)
    expect(p).toMatchObject({ name: course.title, price_cents: 4900, kind: 'course', status: 'active' })
    const patch = await call('PATCH', `/api/v1/courses/${course.id}`, { token: instructor.token, body: { price_cents: 5900 } })
    expect(patch.status).toBe(200)
    await courseProduct(course.id, (x) => x.price_cents === 5900)
    const listed = await call('GET', `/api/v1/products?kind=course&search=${encodeURIComponent(course.title)}`)
    expect(listed.body.items.map((x: { course_id: string }) => x.course_id)).toContain(course.id)
  })

  test('paying enrolls the learner once; a refund revokes access (enroll answers 402 again) and the certificate', async () => {
    const { course } = await newPaidCourse(2900)
    await courseProduct(course.id)
    const learner = await newUser()
    expect((await call('POST', `/api/v1/courses/${course.id}/enroll`, { token: learner.token })).status).toBe(402)
    const checkout = await call('POST', '/api/v1/payments/course-intent', { token: learner.token, body: { course_id: course.id } })
    expect(checkout.status).toBe(201)
    const { order, payment } = checkout.body
    const pi = { id: payment.payment_intent_id, amount: order.total_cents, currency: order.currency, order_id: order.id }
    const success = paymentIntentEvent('payment_intent.succeeded', pi)
    await Promise.all([deliver(success), deliver(success), deliver(paymentIntentEvent('payment_intent.payment_failed', pi)), deliver(success)])
    await waitFor(async () => (await orderStatus(order.id)) === 'paid', { what: 'paid', timeoutMs: 20000 })
    const { deps } = await testApp()
    const enrolled = await waitFor(async () => {
      const rows = await deps.sql<{ id: string; status: string }[]>`select id, status from enrollments where user_id = ${learner.id} and course_id = ${course.id}`
      return rows.length === 1 && rows[0]!.status === 'active' ? rows[0] : null
    }, { what: 'enrollment', timeoutMs: 20000 })
    expect((await deps.sql`select 1 from outbox where type = 'course.enrolled' and payload->>'user_id' = ${learner.id}`)).toHaveLength(1)
    expect((await call('POST', `/api/v1/courses/${course.id}/enroll`, { token: learner.token })).status).toBe(409)
    // Buying the same course again is refused while it is owned.
    expect((await call('POST', '/api/v1/payments/course-intent', { token: learner.token, body: { course_id: course.id } })).status).toBe(409)

    const number = `CERT-20260101-${Math.random().toString(36).slice(2, 8).toUpperCase()}`
    await deps.sql`insert into certificates (enrollment_id, user_id, course_id, number, learner_name, course_title, instructor_name, pdf_stored_at)
      values (${enrolled.id}, ${learner.id}, ${course.id}, ${number}, 'L', ${course.title}, 'I', now())`
    expect((await call('GET', `/api/v1/certificates/verify/${number}`)).body.valid).toBe(true)

    const admin = await theAdmin()
    expect((await call('POST', `/api/v1/admin/orders/${order.id}/refund`, { token: admin.token })).status).toBe(200)
    await deliver(chargeRefundedEvent(pi))
    await waitFor(async () => (await orderStatus(order.id)) === 'refunded', { what: 'refunded', timeoutMs: 20000 })
    await waitFor(async () => (await deps.sql`select 1 from enrollments where id = ${enrolled.id} and status = 'revoked'`).length === 1, { what: 'revoked', timeoutMs: 20000 })
    expect((await call('POST', `/api/v1/courses/${course.id}/enroll`, { token: learner.token })).status).toBe(402)
    expect((await call('GET', `/api/v1/certificates/verify/${number}`)).body.valid).toBe(false)
  })
})
