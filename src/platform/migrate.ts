import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Sql } from './db'

export const MIGRATIONS_DIR = join(import.meta.dir, '../../sql')
// Any fixed 64-bit key: every replica serialises on it while migrating.
const LOCK_KEY = 7_305_451_118

export type MigrationResult = { applied: string[]; skipped: string[] }

/**
 * Applies `sql/NNNN_name.sql` files in order, each in its own transaction that first takes
 * a transaction-level advisory lock, so replicas starting together apply each file once.
 * A file whose checksum differs from the ledger's is refused.
 */
export async function migrate(sql: Sql, dir = MIGRATIONS_DIR): Promise<MigrationResult> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort()
  const result: MigrationResult = { applied: [], skipped: [] }
  for (const file of files) {
    const text = await Bun.file(join(dir, file)).text()
    const checksum = new Bun.CryptoHasher('sha256').update(text).digest('hex')
    const applied = await sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${LOCK_KEY})`
      await tx`create table if not exists schema_migrations (
        version text primary key, checksum text not null, applied_at timestamptz not null default now())`
      const [row] = await tx<{ checksum: string }[]>`select checksum from schema_migrations where version = ${file}`
      if (row) {
        if (row.checksum !== checksum) {
          throw new Error(`migration ${file} was changed after it was applied (checksum mismatch); add a new migration instead`)
        }
        return false
      }
      await tx.unsafe(text)
      await tx`insert into schema_migrations (version, checksum) values (${file}, ${checksum})`
      return true
    })
    ;(applied ? result.applied : result.skipped).push(file)
  }
  return result
}
