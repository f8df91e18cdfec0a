import { Elysia, t } from 'elysia'
import type { Deps } from '../../platform/deps'
import { authGuard } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import { checkout } from './checkout'
import { AdminOrderPatch, AdminOrderQuery, AdminOrderRefund, Checkout, CourseIntentCreate, IdempotencyHeaders, Order, OrderCreate, OrderIdParam, OrderList, OrderQuery } from './model'
import { takeUserToken } from '../../platform/http/user-limits'
import { advanceOrder, cancelOrder, getOrder, listOrderPage, refundOrder } from './service'
import { payments503, paymentsRoute } from '../payments/enabled'

const checkoutErrors = { ...errorResponses(401, 404, 409, 422, 429), 503: payments503('`unavailable`: the payment provider did not answer, retry with the same Idempotency-Key') }

/** The buyer's orders and checkout. */
export function orderRoutes(deps: Deps) {
  return new Elysia({ tags: ['commerce'] })
    .use(authGuard(deps))
    .post('/orders', async ({ auth, body, headers, set }) => {
      await takeUserToken(deps, 'checkouts', auth.userId)
      set.status = 201
      return checkout(deps, auth.userId, { kind: 'cart', shipping_address: body?.shipping_address ?? undefined }, headers['idempotency-key'])
    }, {
      ...paymentsRoute(deps),
      auth: true,
      body: t.Optional(OrderCreate),
      headers: IdempotencyHeaders,
      detail: {
        summary: 'Order the cart (Idempotency-Key honoured); reserves stock, creates the PaymentIntent; LIMIT_OPEN_ORDERS (409 too_many_open_orders), LIMIT_CHECKOUTS_PER_HOUR (429)',
        description: '409: cart_empty, currency_mismatch, out_of_stock, already_owned, too_many_open_orders, product_unavailable (the cart holds an archived product: remove it).',
      },
      response: { 201: Checkout, ...checkoutErrors },
    })
    .post('/payments/course-intent', async ({ auth, body, headers, set }) => {
      await takeUserToken(deps, 'checkouts', auth.userId)
      set.status = 201
      return checkout(deps, auth.userId, { kind: 'course', course_id: body.course_id }, headers['idempotency-key'])
    }, {
      ...paymentsRoute(deps),
      auth: true,
      body: CourseIntentCreate,
      headers: IdempotencyHeaders,
      detail: { summary: 'A one-item order for a paid course (same answer and limits as POST /orders)', description: '404 when no product sells the course; 409 product_unavailable when its product is archived (e.g. the course was archived).' },
      response: { 201: Checkout, ...checkoutErrors },
    })
    .get('/orders', ({ auth, query }) => listOrderPage(deps, { ...query, userId: auth.userId }), {
      auth: true,
      query: OrderQuery,
      detail: { summary: 'My orders, newest first' },
      response: { 200: OrderList, ...errorResponses(401, 422) },
    })
    .get('/orders/:id', ({ auth, params }) => getOrder(deps, params.id, auth.userId), {
      auth: true,
      params: OrderIdParam,
      detail: { summary: 'One of my orders' },
      response: { 200: Order, ...errorResponses(401, 404, 422) },
    })
    .post('/orders/:id/cancel', ({ auth, params }) => cancelOrder(deps, params.id, auth.userId), {
      auth: true,
      params: OrderIdParam,
      detail: { summary: 'Cancel an unpaid order (releases stock, cancels the PaymentIntent)' },
      response: { 200: Order, ...errorResponses(401, 404, 409, 422) },
    })
}

/** Admin order management. */
export function adminOrderRoutes(deps: Deps) {
  return new Elysia({ prefix: '/admin/orders', tags: ['commerce'] })
    .use(authGuard(deps))
    .get('', ({ query }) => listOrderPage(deps, { ...query, userId: query.user_id }), {
      auth: 'admin',
      query: AdminOrderQuery,
      detail: { summary: 'All orders, filtered by status or user', description: 'status=payment_review lists payments waiting for an admin; status=disputed the open chargebacks.' },
      response: { 200: OrderList, ...errorResponses(401, 403, 422) },
    })
    .get('/:id', ({ params }) => getOrder(deps, params.id), {
      auth: 'admin',
      params: OrderIdParam,
      detail: { summary: 'Any order' },
      response: { 200: Order, ...errorResponses(401, 403, 404, 422) },
    })
    .patch('/:id', ({ params, body }) => advanceOrder(deps, params.id, body.status, body.tracking_number), {
      auth: 'admin',
      params: OrderIdParam,
      body: AdminOrderPatch,
      detail: {
        summary: 'Fulfilment step paid → processing → shipped → delivered, or payment_review → paid; others → 409 invalid_transition',
        description: 'PATCH {status: "paid"} on a `payment_review` order accepts the payment: the buyer is granted what they bought, emailed and counted in revenue like any payment.',
      },
      response: { 200: Order, ...errorResponses(401, 403, 404, 409, 422) },
    })
    .post('/:id/refund', ({ params, body }) => refundOrder(deps, params.id, body?.amount_cents), {
      auth: 'admin',
      params: OrderIdParam,
      ...paymentsRoute(deps),
      body: t.Optional(AdminOrderRefund),
      detail: {
        summary: 'Ask Stripe to refund all that is left or `amount_cents`; the charge.refunded webhook then records it',
        description: 'Allowed for paid, processing, shipped, delivered and payment_review orders (else 409 invalid_transition; a disputed order cannot be refunded). ' +
          'A partial refund is recorded in `refunded_cents` and keeps the order and its access; all of it sets `refunded`. ' +
          'More than is left (received minus refunded or already asked for) → 409 refund_exceeds_remaining; Stripe refusing → 409 refund_rejected; Stripe unreachable → 503 unavailable.',
      },
      response: { 200: Order, ...errorResponses(401, 403, 404, 409, 422), 503: payments503('`unavailable`: the payment provider did not answer') },
    })
}
