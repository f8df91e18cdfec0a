import { t } from 'elysia'
import { Product } from '../products/model'

export const CartWarning = t.Object({
  product_id: t.String(),
  code: t.Union([t.Literal('dropped'), t.Literal('capped'), t.Literal('already_owned'), t.Literal('quantity_one'), t.Literal('unavailable')], {
    description: '`unavailable`: a line whose product was archived; it is not in `items` and checkout answers 409 product_unavailable until it is removed',
  }),
  message: t.String(),
}, { examples: [{ product_id: 'af16a45c-d3bc-4f24-9ac1-5c6d7e8f9001', code: 'capped', message: 'Only 25 in stock: quantity reduced to 25' }] })
export type CartWarningDto = typeof CartWarning.static

export const Cart = t.Object(
  {
    items: t.Array(t.Object({ product: Product, quantity: t.Integer({ examples: [2] }), line_total_cents: t.Integer({ examples: [2400] }) })),
    subtotal_cents: t.Integer({ examples: [2400] }),
    currency: t.Nullable(t.String({ description: 'Currency of the cart (of its first line); null when empty', examples: ['usd'] })),
    warnings: t.Optional(t.Array(CartWarning)),
  },
  { title: 'Cart' },
)
export type CartDto = typeof Cart.static

const Quantity = t.Integer({ minimum: 1, maximum: 1000, examples: [2] })
export const CartItemAdd = t.Object({ product_id: t.String({ format: 'uuid' }), quantity: t.Optional(Quantity) }, { examples: [{ product_id: 'af16a45c-d3bc-4f24-9ac1-5c6d7e8f9001', quantity: 2 }] })
export const CartItemPatch = t.Object({ quantity: Quantity })
export const CartMerge = t.Object({
  items: t.Array(t.Object({ product_id: t.String({ format: 'uuid' }), quantity: Quantity }), { maxItems: 100 }),
})
export type CartMergeInput = typeof CartMerge.static
export const ProductIdParam = t.Object({ product_id: t.String({ format: 'uuid' }) })
