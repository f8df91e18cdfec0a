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
  { title: 'ShippingAddress' },
)

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
  { title: 'Order' },
)
export type OrderDto = typeof Order.static

export const Payment = t.Object({ client_secret: t.String(), payment_intent_id: t.String() }, { title: 'Payment' })
export const Checkout = t.Object(
  { order: Order, payment: t.Nullable(Payment, { description: 'null when the order is paid at once (0 total)' }) },
  { title: 'Checkout' },
)
export type CheckoutDto = typeof Checkout.static

export const OrderCreate = t.Object({ shipping_address: t.Optional(t.Nullable(ShippingAddress)) })
export const CourseIntentCreate = t.Object({ course_id: t.String({ format: 'uuid' }) })
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
})
export const OrderIdParam = t.Object({ id: t.String({ format: 'uuid' }) })
export const AdminOrderRefund = t.Object({
  amount_cents: t.Optional(t.Integer({ minimum: 1, description: 'Minor units to refund; default: all that is left (received minus refunded or already asked for). More than that → 409 refund_exceeds_remaining' })),
})
