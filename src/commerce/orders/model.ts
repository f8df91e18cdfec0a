import { t } from 'elysia'

export const OrderStatus = t.Union([t.Literal('pending_payment'), t.Literal('payment_failed'), t.Literal('paid'), t.Literal('processing'), t.Literal('shipped'), t.Literal('delivered'), t.Literal('cancelled'), t.Literal('expired'), t.Literal('refunded'), t.Literal('payment_review'), t.Literal('disputed')], {
  description: 'See docs/payments.md. `payment_review`: Stripe reported a success whose amount or currency differs from the order (nothing granted; an admin refunds it or PATCHes it to paid). `disputed`: a chargeback is open (access revoked until it is won).',
})
export type OrderStatusValue = 'pending_payment' | 'payment_failed' | 'paid' | 'processing' | 'shipped' | 'delivered' | 'cancelled' | 'expired' | 'refunded' | 'payment_review' | 'disputed'

export const ShippingAddress = t.Object(
  {
    name: t.String({ minLength: 1, maxLength: 200 }),
    line1: t.String({ minLength: 1, maxLength: 200 }),
    line2: t.Optional(t.String({ maxLength: 200 })),
    city: t.String({ minLength: 1, maxLength: 100 }),
    state: t.Optional(t.String({ maxLength: 100 })),
    postal_code: t.String({ minLength: 1, maxLength: 20 }),
    country: t.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO-3166 alpha-2' }),
    phone: t.Optional(t.String({ maxLength: 40 })),
  },
  { title: 'ShippingAddress', examples: [{ name: 'Zoë Student', line1: '1 Library Lane', city: 'Lisbon', postal_code: '1100-001', country: 'PT' }] },
)

const ORDER_EXAMPLE = {
  id: 'b027b56d-e4cd-4035-8bd2-6d7e8f900112', user_id: '0b7c6a52-3f1e-4b8a-9c2d-5e6f7a8b9c0d', status: 'pending_payment',
  items: [{ product_id: 'af16a45c-d3bc-4f24-9ac1-5c6d7e8f9001', name: 'Lyceum Notebook', kind: 'physical', course_id: null, quantity: 2, unit_price_cents: 1200 }],
  total_cents: 2400, currency: 'usd', shipping_address: { name: 'Zoë Student', line1: '1 Library Lane', city: 'Lisbon', postal_code: '1100-001', country: 'PT' },
  tracking_number: null, payment_intent_id: 'pi_3QxExample0001', created_at: '2026-01-15T11:00:00.000Z', updated_at: '2026-01-15T11:00:00.000Z',
  paid_at: null, expires_at: '2026-01-15T11:30:00.000Z', refunded_cents: 0, received_cents: null, received_currency: null, dispute_status: null,
}

export const Order = t.Object(
  {
    id: t.String({ format: 'uuid' }),
    user_id: t.String({ format: 'uuid' }),
    status: OrderStatus,
    items: t.Array(t.Object({ product_id: t.String(), name: t.String(), kind: t.String(), course_id: t.Nullable(t.String()), quantity: t.Integer(), unit_price_cents: t.Integer() })),
    total_cents: t.Integer(),
    currency: t.String(),
    shipping_address: t.Nullable(t.Unknown()),
    tracking_number: t.Nullable(t.String()),
    payment_intent_id: t.Nullable(t.String()),
    created_at: t.String({ format: 'date-time' }),
    updated_at: t.String({ format: 'date-time' }),
    paid_at: t.Nullable(t.String({ format: 'date-time' })),
    expires_at: t.String({ format: 'date-time', description: 'When an unpaid order expires' }),
    refunded_cents: t.Integer({ minimum: 0, description: 'What refunds confirmed by Stripe gave back so far (a partial refund keeps the order paid); in received_currency' }),
    received_cents: t.Nullable(t.Integer({ description: 'What Stripe reported received (amount_received) when the payment succeeded' })),
    received_currency: t.Nullable(t.String({ description: 'The currency of that payment' })),
    dispute_status: t.Nullable(t.String({ description: "Stripe's status of the charge's dispute, if any (needs_response, under_review, won, lost, ...)" })),
  },
  { title: 'Order', examples: [ORDER_EXAMPLE] },
)
export type OrderDto = typeof Order.static

export const Payment = t.Object({ client_secret: t.String(), payment_intent_id: t.String() }, { title: 'Payment', examples: [{ client_secret: 'pi_3QxExample0001_secret_Wm4Kc2', payment_intent_id: 'pi_3QxExample0001' }] })
export const Checkout = t.Object(
  { order: Order, payment: t.Nullable(Payment, { description: 'null when the order is paid at once (0 total)' }) },
  { title: 'Checkout' },
)
export type CheckoutDto = typeof Checkout.static

export const OrderCreate = t.Object({ shipping_address: t.Optional(t.Nullable(ShippingAddress)) }, { examples: [{ shipping_address: { name: 'Zoë Student', line1: '1 Library Lane', city: 'Lisbon', postal_code: '1100-001', country: 'PT' } }] })
export const CourseIntentCreate = t.Object({ course_id: t.String({ format: 'uuid' }) }, { examples: [{ course_id: '2d9e8c74-5b3a-4dac-9e4f-7a8b9c0d1e2f' }] })
export const IdempotencyHeaders = t.Object({
  'idempotency-key': t.Optional(t.String({ minLength: 1, maxLength: 255, description: 'Retries with the same key replay the first response' })),
}, { additionalProperties: true })

export const OrderList = t.Object({ items: t.Array(Order), next_cursor: t.Nullable(t.String()) })
export const OrderQuery = t.Object({
  status: t.Optional(OrderStatus),
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: t.Optional(t.String({ maxLength: 500 })),
})
export const AdminOrderQuery = t.Object({ ...OrderQuery.properties, user_id: t.Optional(t.String({ format: 'uuid' })) })
export const AdminOrderPatch = t.Object({
  status: OrderStatus,
  tracking_number: t.Optional(t.String({ minLength: 1, maxLength: 100 })),
}, { examples: [{ status: 'shipped', tracking_number: '1Z999AA10123456784' }] })
export const OrderIdParam = t.Object({ id: t.String({ format: 'uuid' }) })
export const AdminOrderRefund = t.Object({
  amount_cents: t.Optional(t.Integer({ minimum: 1, description: 'Minor units to refund; default: all that is left (received minus refunded or already asked for). More than that → 409 refund_exceeds_remaining' })),
})
