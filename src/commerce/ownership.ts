import type { Tx } from '../platform/db'

/** Order statuses in which the buyer owns what they bought. */
export const OWNED_STATUSES = ['paid', 'processing', 'shipped', 'delivered'] as const

/** The ids among `courseIds` that the user bought (commerce's own answer, from paid orders). */
export async function ownedCourseIds(sql: Tx, userId: string, courseIds: string[]): Promise<Set<string>> {
  if (courseIds.length === 0) return new Set()
  const rows = await sql<{ course_id: string }[]>`
    select distinct oi.course_id from order_items oi join orders o on o.id = oi.order_id
    where o.user_id = ${userId} and o.status in ${sql(OWNED_STATUSES as unknown as string[])}
      and oi.course_id = any(${courseIds}::uuid[])`
  return new Set(rows.map((r) => r.course_id))
}
