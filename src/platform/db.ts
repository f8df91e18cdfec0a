import postgres from 'postgres'

export type Sql = postgres.Sql<{}>
/** A transaction-scoped or pool `sql`: query functions take it as their first parameter. */
export type Tx = postgres.TransactionSql<{}> | Sql

/** One postgres.js pool for the process. */
export function createSql(url: string, max = 10): Sql {
  return postgres(url, {
    max,
    onnotice: () => {},
    idle_timeout: 30,
    connect_timeout: 10,
    // timestamptz -> Date (serialised as ISO-8601 UTC); int8 stays a string unless cast.
  })
}

/** True when `err` is a Postgres unique violation (optionally on a given constraint). */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint_name?: string }
  return e?.code === '23505' && (!constraint || e.constraint_name === constraint)
}
