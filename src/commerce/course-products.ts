import type { Tx } from '../platform/db'
import { productSlug } from './products/service'

export type CourseForSale = { id: string; title: string; slug: string; price_cents: number; currency: string; status: string }

/**
 * Keeps the product that sells a course in line with it (same title and price): created when
 * a paid course is published, updated on changes, archived while the course is not on sale
 * (unpublished, or free). Idempotent.
 */
export async function syncCourseProduct(sql: Tx, course: CourseForSale): Promise<{ product_id: string | null; status: string }> {
  const onSale = course.status === 'published' && course.price_cents > 0
  const [existing] = await sql<{ id: string }[]>`select id from products where course_id = ${course.id}`
  if (existing) {
    await sql`update products set name = ${course.title}, price_cents = ${course.price_cents}, currency = ${course.currency.toLowerCase()},
      status = ${onSale ? 'active' : 'archived'}, updated_at = now() where id = ${existing.id}`
    return { product_id: existing.id, status: onSale ? 'active' : 'archived' }
  }
  if (!onSale) return { product_id: null, status: 'none' }
  const base = productSlug(course.slug || course.title)
  const [row] = await sql<{ id: string }[]>`
    insert into products (slug, name, description, kind, course_id, price_cents, currency, stock, category, tags)
    values (
      case when exists (select 1 from products where slug = ${base}) then ${`${base}-course-${course.id.slice(0, 8)}`} else ${base} end,
      ${course.title}, '', 'course', ${course.id}, ${course.price_cents}, ${course.currency.toLowerCase()}, null, 'courses', '{}')
    on conflict (course_id) do update set name = excluded.name, price_cents = excluded.price_cents, currency = excluded.currency, status = 'active'
    returning id`
  return { product_id: row!.id, status: 'active' }
}
