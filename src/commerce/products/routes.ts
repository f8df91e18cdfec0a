import { Elysia, t } from 'elysia'
import type { Deps } from '../../platform/deps'
import { authGuard } from '../../platform/http/auth'
import { errorResponses } from '../../platform/http/errors'
import { idFromSlug, idOrSlugParams } from '../../platform/http/slug-params'
import { findProductIdBySlug } from './queries'
import { AdminProductQuery, Product, ProductCreate, ProductDetail, ProductList, ProductPatch, ProductQuery } from './model'
import { createProduct, deleteProduct, getAdminProduct, getProductDetail, listProducts, patchProduct } from './service'

const IdParam = t.Object({ id: t.String({ format: 'uuid' }) })
const ProductRefParams = idOrSlugParams('product')

/** The public catalog. */
export function productRoutes(deps: Deps) {
  return new Elysia({ prefix: '/products', tags: ['commerce'] })
    .get('', ({ query }) => listProducts(deps, query), {
      query: ProductQuery,
      detail: { summary: 'Search and filter active products (full-text ranked, partial words, cursor pages)' },
      response: { 200: ProductList, ...errorResponses(422) },
    })
    .get('/:id_or_slug', ({ params }) => getProductDetail(deps, params.id_or_slug), {
      params: t.Object({ id_or_slug: t.String({ minLength: 1, maxLength: 200 }) }),
      detail: { summary: 'A product with related products (same category/tags, bought together)' },
      response: { 200: ProductDetail, ...errorResponses(404) },
    })
}

/** Admin product management; DELETE archives. */
export function adminProductRoutes(deps: Deps) {
  const productSlug = idFromSlug((slug) => findProductIdBySlug(deps.sql, slug))
  return new Elysia({ prefix: '/admin/products', tags: ['commerce'] })
    .use(authGuard(deps))
    .get('', ({ query }) => listProducts(deps, query), {
      auth: 'admin',
      query: AdminProductQuery,
      detail: { summary: 'Products with the catalog filters, archived ones with status=archived' },
      response: { 200: ProductList, ...errorResponses(401, 403, 422) },
    })
    .get('/:id', ({ params }) => getAdminProduct(deps, params.id), {
      auth: 'admin',
      params: ProductRefParams,
      transform: productSlug,
      detail: { summary: 'Any product, archived ones included' },
      response: { 200: Product, ...errorResponses(401, 403, 404, 422) },
    })
    .post('', async ({ auth, body, set }) => { set.status = 201; return createProduct(deps, auth.userId, body) }, {
      auth: 'admin',
      body: ProductCreate,
      detail: { summary: 'Create a product' },
      response: { 201: Product, ...errorResponses(401, 403, 409, 422) },
    })
    .patch('/:id', ({ auth, params, body }) => patchProduct(deps, auth.userId, params.id, body), {
      auth: 'admin',
      params: ProductRefParams,
      transform: productSlug,
      body: ProductPatch,
      detail: { summary: 'Update a product (archived ones too)' },
      response: { 200: Product, ...errorResponses(401, 403, 404, 409, 422) },
    })
    .delete('/:id', async ({ params, set }) => { await deleteProduct(deps, params.id); set.status = 204 }, {
      auth: 'admin',
      params: ProductRefParams,
      transform: productSlug,
      detail: { summary: 'Archive a product (it leaves the catalog; past orders keep it)' },
      response: { 204: t.Void(), ...errorResponses(401, 403, 404, 422) },
    })
}
