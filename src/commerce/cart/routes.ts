import { Elysia } from 'elysia'
import type { Deps } from '../../platform/deps'
import { authGuard } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import { Cart, CartItemAdd, CartItemPatch, CartMerge, ProductIdParam } from './model'
import { addCartItem, getCart, mergeCart, removeCartItem, updateCartItem } from './service'

/** The signed-in user's server cart. */
export function cartRoutes(deps: Deps) {
  return new Elysia({ prefix: '/cart', tags: ['commerce'] })
    .use(authGuard(deps))
    .get('', ({ auth }) => getCart(deps, auth.userId), {
      auth: true,
      detail: { summary: 'The cart' },
      response: { 200: Cart, ...errorResponses(401) },
    })
    .post('/items', ({ auth, body }) => addCartItem(deps, auth.userId, body.product_id, body.quantity), {
      auth: true,
      body: CartItemAdd,
      detail: { summary: 'Add a product (adds to an existing line); over stock → 409 out_of_stock', description: 'Unknown product → 404; an archived one → 409 product_unavailable; an owned course → 409 already_owned.' },
      response: { 200: Cart, ...errorResponses(401, 404, 409, 422) },
    })
    .patch('/items/:product_id', ({ auth, params, body }) => updateCartItem(deps, auth.userId, params.product_id, body.quantity), {
      auth: true,
      params: ProductIdParam,
      body: CartItemPatch,
      detail: { summary: "Set a line's quantity; over stock → 409 out_of_stock", description: 'A line whose product was archived → 409 product_unavailable (DELETE it).' },
      response: { 200: Cart, ...errorResponses(401, 404, 409, 422) },
    })
    .delete('/items/:product_id', ({ auth, params }) => removeCartItem(deps, auth.userId, params.product_id), {
      auth: true,
      params: ProductIdParam,
      detail: { summary: 'Remove a line; answers the cart' },
      response: { 200: Cart, ...errorResponses(401, 422) },
    })
    .post('/merge', ({ auth, body }) => mergeCart(deps, auth.userId, body), {
      auth: true,
      body: CartMerge,
      detail: { summary: "Merge a client's local cart; every adjustment is listed in warnings" },
      response: { 200: Cart, ...errorResponses(401, 422) },
    })
}
