import { AppError } from '../platform/http/errors'

/** Commerce's error codes (SPEC §5). */
export const commerceErrors = {
  productNotFound: () => new AppError(404, 'not_found', 'Product not found'),
  orderNotFound: () => new AppError(404, 'not_found', 'Order not found'),
  courseNotForSale: () => new AppError(404, 'not_found', 'No product sells this course'),
  outOfStock: (productId: string, available: number | null) =>
    new AppError(409, 'out_of_stock', 'Not enough stock for this quantity', [{ field: 'quantity', code: 'out_of_stock', message: `product ${productId}: ${available ?? 0} available` }]),
  cartEmpty: () => new AppError(409, 'cart_empty', 'The cart is empty'),
  currencyMismatch: () => new AppError(409, 'currency_mismatch', 'The cart mixes currencies; order them separately'),
  tooManyOpenOrders: (max: number) => new AppError(409, 'too_many_open_orders', `At most ${max} unpaid orders may be open at once: pay or cancel one first`),
  alreadyOwned: () => new AppError(409, 'already_owned', 'You already own this course'),
  invalidTransition: (from: string, to: string) => new AppError(409, 'invalid_transition', `An order cannot go from ${from} to ${to}`),
  idempotencyKeyReused: () =>
    new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request', [{ field: 'Idempotency-Key', message: 'reused with a different body' }]),
  shippingRequired: () =>
    new AppError(422, 'validation_failed', 'A shipping address is required for physical products', [{ field: 'shipping_address', message: 'required when the cart holds a physical product' }]),
  invalidProduct: (field: string, message: string) => new AppError(422, 'validation_failed', message, [{ field, message }]),
  amountTooLarge: (max: number) => new AppError(422, 'amount_too_large', `An order total may not exceed ${max} minor units`, [{ field: 'total_cents', message: `at most ${max}` }]),
  slugTaken: () => new AppError(409, 'slug_taken', 'This slug is already used by another product'),
  invalidSignature: () => new AppError(400, 'invalid_signature', 'Invalid or stale Stripe-Signature'),
  productUnavailable: (productIds: string[]) =>
    new AppError(409, 'product_unavailable', 'A product is no longer sold; remove it from the cart', productIds.map((id) => ({ field: id, code: 'product_unavailable', message: `product ${id} is archived` }))),
  refundExceedsRemaining: (left: number) =>
    new AppError(409, 'refund_exceeds_remaining', `At most ${left} minor units are left to refund on this order`, [{ field: 'amount_cents', code: 'refund_exceeds_remaining', message: `at most ${left}` }]),
  refundRejected: (message: string) => new AppError(409, 'refund_rejected', `Stripe refused the refund: ${message}`),
  paymentsDisabled: () => new AppError(503, 'payments_disabled', 'Payments are turned off on this server (PAYMENTS_ENABLED=false)'),
  paymentUnavailable: () => new AppError(503, 'unavailable', 'The payment provider is unavailable, retry with the same Idempotency-Key'),
}
