/** SPEC §15: the admin product routes accept the product's slug as `:id` too. */
import { expect, test } from 'bun:test'
import { call } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { newProduct, theAdmin, uniq } from './fixtures'

test('admin get, patch and delete a product by slug', async () => {
  const admin = await theAdmin()
  const slug = uniq('slugged')
  const p = await newProduct({ slug })
  const got = await call('GET', `/api/v1/admin/products/${slug}`, { token: admin.token })
  expect(got.status).toBe(200)
  expect(got.body.id).toBe(p.id)
  const patched = await call('PATCH', `/api/v1/admin/products/${slug}`, { token: admin.token, body: { price_cents: 2222 } })
  expect(patched.status).toBe(200)
  expect(patched.body.price_cents).toBe(2222)
  expect((await call('DELETE', `/api/v1/admin/products/${slug}`, { token: admin.token })).status).toBe(204)
  expect((await call('GET', `/api/v1/admin/products/${p.id}`, { token: admin.token })).body.status).toBe('archived')
  // The public route already took a slug.
  expect((await call('GET', `/api/v1/products/${slug}`)).status).toBe(404)
})

test('an unknown product slug: 404 for an admin, 403 for a student, 401 without a token', async () => {
  const admin = await theAdmin()
  const student = await newUser()
  expect((await call('GET', '/api/v1/admin/products/no-such-product-here', { token: admin.token })).status).toBe(404)
  expect((await call('GET', '/api/v1/admin/products/no-such-product-here', { token: student.token })).status).toBe(403)
  expect((await call('GET', '/api/v1/admin/products/no-such-product-here')).status).toBe(401)
})
