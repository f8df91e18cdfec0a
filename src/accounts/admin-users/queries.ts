import type { Tx } from '../../platform/db'
import type { UserRow } from '../users/queries'

const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/** Users newest first, filtered, keyset-paginated on (created_at, id). */
export async function listUsers(
  sql: Tx,
  f: { search?: string; role?: string; status?: string; limit: number; after?: { at: Date; id: string } },
) {
  const search = f.search?.trim()
  return sql<UserRow[]>`
    select * from users where true
      ${search ? sql`and (email ilike ${likePattern(search)} or display_name ilike ${likePattern(search)})` : sql``}
      ${f.role ? sql`and role = ${f.role}` : sql``}
      ${f.status ? sql`and status = ${f.status}` : sql``}
      ${f.after ? sql`and (created_at, id) < (${f.after.at}, ${f.after.id})` : sql``}
    order by created_at desc, id desc limit ${f.limit}`
}
