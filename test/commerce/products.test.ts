import { describe, expect, test } from 'bun:test'
import { call } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { newProduct, theAdmin, uniq, uploadImage } from './fixtures'

describe('admin products', () => {
  test('create → 201 product shape; slug from name, currency lower-cased', async () => {
    const a = await theAdmin()
    const name = `Mechanical Keyboard ${uniq()}`
    const r = await call('POST', '/api/v1/admin/products', { token: a.token, body: { name, description: 'Clicky', price_cents: 9900, currency: 'EUR', kind: 'physical', stock: 3, category: 'hardware', tags: ['keyboard'] } })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ name, price_cents: 9900, currency: 'eur', kind: 'physical', stock: 3, category: 'hardware', tags: ['keyboard'], image_urls: [], status: 'active', course_id: null })
    expect(r.body.slug).toStartWith('mechanical-keyboard-')
    expect(r.body.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(r.body.created_at).toBeString()
  })

  test('stock omitted = unlimited (null); image_file_ids (own product_image uploads) become stable URLs', async () => {
    const a = await theAdmin()
    const fid = await uploadImage(a.token, 'product_image')
    const r = await call('POST', '/api/v1/admin/products', { token: a.token, body: { name: `E-book ${uniq()}`, description: '', price_cents: 500, currency: 'usd', kind: 'digital', image_file_ids: [fid] } })
    expect(r.status).toBe(201)
    expect(r.body.stock).toBeNull()
    expect(r.body.image_urls).toEqual([`/api/v1/files/${fid}/content`])
  })

  test('image_file_ids that are unknown, of another purpose or another user → 422 naming the field', async () => {
    const a = await theAdmin()
    const other = await newUser({ role: 'admin' })
    const attachment = await uploadImage(a.token, 'attachment')
    const foreign = await uploadImage(other.token, 'product_image')
    for (const ids of [[crypto.randomUUID()], [attachment], [foreign]]) {
      const r = await call('POST', '/api/v1/admin/products', { token: a.token, body: { name: `Pic ${uniq()}`, description: '', price_cents: 500, currency: 'usd', kind: 'digital', image_file_ids: ids } })
      expect(r.status).toBe(422)
      expect(r.body.error.details.map((d: { field: string }) => d.field)).toContain('image_file_ids')
    }
    const created = await newProduct({})
    const patched = await call('PATCH', `/api/v1/admin/products/${created.id}`, { token: a.token, body: { image_file_ids: [foreign] } })
    expect(patched.status).toBe(422)
  })

  test('duplicate explicit slug → 409 slug_taken; bad body → 422; course kind needs course_id', async () => {
    const a = await theAdmin()
    const slug = uniq('slug')
    await newProduct({ slug })
    const dup = await call('POST', '/api/v1/admin/products', { token: a.token, body: { name: 'X', slug, description: '', price_cents: 1, currency: 'usd', kind: 'digital' } })
    expect(dup.status).toBe(409)
    expect(dup.body.error.code).toBe('slug_taken')
    const bad = await call('POST', '/api/v1/admin/products', { token: a.token, body: { name: 'X', description: '', price_cents: -1, currency: 'usd', kind: 'toy' } })
    expect(bad.status).toBe(422)
    expect(bad.body.error.code).toBe('validation_failed')
    const fields = bad.body.error.details.map((d: { field: string }) => d.field)
    expect(fields.some((f: string) => f === 'price_cents' || f === 'kind')).toBe(true)
    const course = await call('POST', '/api/v1/admin/products', { token: a.token, body: { name: 'C', description: '', price_cents: 100, currency: 'usd', kind: 'course' } })
    expect(course.status).toBe(422)
  })

  test('students get 403, anonymous 401', async () => {
    const s = await newUser()
    const body = { name: 'X', description: '', price_cents: 1, currency: 'usd', kind: 'digital' }
    expect((await call('POST', '/api/v1/admin/products', { token: s.token, body })).status).toBe(403)
    expect((await call('POST', '/api/v1/admin/products', { body })).status).toBe(401)
  })

  test('PATCH updates; unknown → 404; DELETE archives (204) and hides it from the catalog', async () => {
    const a = await theAdmin()
    const p = await newProduct({ price_cents: 1000 })
    const r = await call('PATCH', `/api/v1/admin/products/${p.id}`, { token: a.token, body: { price_cents: 1200, tags: ['sale'] } })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ id: p.id, price_cents: 1200, tags: ['sale'] })
    expect((await call('PATCH', `/api/v1/admin/products/${crypto.randomUUID()}`, { token: a.token, body: { price_cents: 1 } })).status).toBe(404)
    // `not-a-uuid` could be a slug (SPEC §15: :id takes the slug too): it names nothing, so 404; `not_a_uuid` cannot be either: 422.
    expect((await call('PATCH', `/api/v1/admin/products/not-a-uuid`, { token: a.token, body: { price_cents: 1 } })).status).toBe(404)
    expect((await call('PATCH', `/api/v1/admin/products/not_a_uuid`, { token: a.token, body: { price_cents: 1 } })).status).toBe(422)
    const del = await call('DELETE', `/api/v1/admin/products/${p.id}`, { token: a.token })
    expect(del.status).toBe(204)
    expect((await call('GET', `/api/v1/products/${p.id}`)).status).toBe(404)
    expect((await call('DELETE', `/api/v1/admin/products/${crypto.randomUUID()}`, { token: a.token })).status).toBe(404)
    const archivedList = await call('GET', `/api/v1/admin/products?status=archived&limit=100`, { token: a.token })
    expect(archivedList.body.items.map((x: { id: string }) => x.id)).toContain(p.id)
    expect((await call('GET', `/api/v1/admin/products/${p.id}`, { token: a.token })).body.status).toBe('archived')
    expect((await call('GET', `/api/v1/admin/products?status=archived`)).status).toBe(401)
    const back = await call('PATCH', `/api/v1/admin/products/${p.id}`, { token: a.token, body: { status: 'active' } })
    expect(back.body.status).toBe('active')
  })
})

describe('catalog', () => {
  test('detail by id and by slug with related (same category/tags)', async () => {
    const cat = uniq('cat')
    const p = await newProduct({ category: cat, tags: ['alpha'] })
    const sameCat = await newProduct({ category: cat })
    const sameTag = await newProduct({ tags: ['alpha'] })
    const unrelated = await newProduct({ category: uniq('other') })
    const byId = await call('GET', `/api/v1/products/${p.id}`)
    expect(byId.status).toBe(200)
    expect(byId.body.product.id).toBe(p.id)
    const related = byId.body.related.map((x: { id: string }) => x.id)
    expect(related).toContain(sameCat.id)
    expect(related).toContain(sameTag.id)
    expect(related).not.toContain(unrelated.id)
    expect(related).not.toContain(p.id)
    const bySlug = await call('GET', `/api/v1/products/${p.slug}`)
    expect(bySlug.body.product.id).toBe(p.id)
    expect((await call('GET', `/api/v1/products/${uniq('nope')}`)).status).toBe(404)
  })

  test('full-text search is ranked (name beats description) and finds partial words', async () => {
    const word = `zylophone${Math.random().toString(36).slice(2, 7)}`
    const inName = await newProduct({ name: `${word} deluxe`, description: 'plain' })
    const inDesc = await newProduct({ name: 'Something else', description: `mentions ${word} once` })
    const r = await call('GET', `/api/v1/products?search=${word}`)
    expect(r.status).toBe(200)
    expect(r.body.items.map((x: { id: string }) => x.id)).toEqual([inName.id, inDesc.id])
    const partial = await call('GET', `/api/v1/products?search=${word.slice(0, 7)}`)
    expect(partial.body.items.map((x: { id: string }) => x.id)).toContain(inName.id)
  })

  test('filters: category, tag, kind, price range, in_stock; sorts; cursor pages', async () => {
    const cat = uniq('cat')
    const cheap = await newProduct({ category: cat, price_cents: 100, tags: ['t1'], kind: 'physical', stock: 0 })
    const mid = await newProduct({ category: cat, price_cents: 500, tags: ['t2'] })
    const dear = await newProduct({ category: cat, price_cents: 900, tags: ['t1'] })
    const ids = async (q: string) => (await call('GET', `/api/v1/products?category=${cat}&${q}`)).body.items.map((x: { id: string }) => x.id)
    expect(await ids('sort=price_asc')).toEqual([cheap.id, mid.id, dear.id])
    expect(await ids('sort=price_desc')).toEqual([dear.id, mid.id, cheap.id])
    expect(await ids('sort=newest')).toEqual([dear.id, mid.id, cheap.id])
    expect(await ids('tag=t1&sort=price_asc')).toEqual([cheap.id, dear.id])
    expect(await ids('kind=physical')).toEqual([cheap.id])
    expect(await ids('min_price=200&max_price=900&sort=price_asc')).toEqual([mid.id, dear.id])
    expect(await ids('in_stock=true&sort=price_asc')).toEqual([mid.id, dear.id])
    const page1 = await call('GET', `/api/v1/products?category=${cat}&sort=price_asc&limit=2`)
    expect(page1.body.items).toHaveLength(2)
    expect(page1.body.next_cursor).toBeString()
    const page2 = await call('GET', `/api/v1/products?category=${cat}&sort=price_asc&limit=2&cursor=${page1.body.next_cursor}`)
    expect(page2.body.items.map((x: { id: string }) => x.id)).toEqual([dear.id])
    expect(page2.body.next_cursor).toBeNull()
    const newest = await call('GET', `/api/v1/products?category=${cat}&limit=1`)
    const newest2 = await call('GET', `/api/v1/products?category=${cat}&limit=2&cursor=${newest.body.next_cursor}`)
    expect(newest2.body.items.map((x: { id: string }) => x.id)).toEqual([mid.id, cheap.id])
  })

  test('a typo falls back to trigram similarity on the name', async () => {
    const word = `quixotic${Math.random().toString(36).slice(2, 7).replace(/[0-9]/g, 'q')}`
    const p = await newProduct({ name: `${word} lantern` })
    const typo = word.slice(0, -2) + word.slice(-1) + word.slice(-2, -1)
    const r = await call('GET', `/api/v1/products?search=${typo}`)
    expect(r.status).toBe(200)
    expect(r.body.items.map((x: { id: string }) => x.id)).toContain(p.id)
  })

  test('odd search strings never fail', async () => {
    for (const q of ["'", ':*', '&|!()', 'the', '100%', 'a\\b', '"unclosed', '-', 'é', 'x'.repeat(200), 'café -tea "exact phrase" or']) {
      const r = await call('GET', `/api/v1/products?search=${encodeURIComponent(q)}`)
      expect(r.status, q).toBe(200)
    }
  })

  test('bad query values → 422; garbage cursor is harmless', async () => {
    expect((await call('GET', '/api/v1/products?sort=cheapest')).status).toBe(422)
    expect((await call('GET', '/api/v1/products?limit=0')).status).toBe(422)
    expect((await call('GET', '/api/v1/products?cursor=%%%garbage')).status).toBe(200)
  })
})
