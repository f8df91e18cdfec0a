import type { Tx } from '../../platform/db'

/**
 * Runs `fn` in a transaction: the caller's when `sql` already is one (a savepoint-less
 * pass-through), else a new one. Lets public functions take either the pool or a tx.
 */
export function inTx<T>(sql: Tx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if ('savepoint' in sql) return fn(sql)
  return sql.begin((tx) => fn(tx)) as Promise<T>
}
