import postgres from 'postgres'
import net from 'node:net'

export type Sql = postgres.Sql<{}>
/** A transaction-scoped or pool `sql`: query functions take it as their first parameter. */
export type Tx = postgres.TransactionSql<{}> | Sql

/**
 * Deadlines of a pool (all optional: a pool without them behaves like plain postgres.js, as the
 * migration runner and the CLI want).
 * - `queryMs`: a statement outside a transaction must be answered within this time;
 * - `transactionMs`: a whole `sql.begin(...)` (waiting for a connection, BEGIN, every statement)
 *   must be done within this time, or it is rolled back and never committed;
 * - `statementTimeoutMs` / `idleInTransactionMs`: the same bounds on the server side
 *   (`statement_timeout`, `idle_in_transaction_session_timeout`);
 * - `connectTimeoutMs`: a connection attempt gives up after this time.
 * A connection that has sent something and heard nothing back for `queryMs` is reset, so the
 * statements it still holds are never delivered late.
 */
export type SqlDeadlines = { queryMs?: number; transactionMs?: number; statementTimeoutMs?: number; idleInTransactionMs?: number; connectTimeoutMs?: number }

/** Thrown when a statement or transaction misses its deadline; answered 503 `unavailable`. */
export class DeadlineError extends Error {
  readonly code = 'DEADLINE_EXCEEDED'
  constructor(what: string, ms: number) {
    super(`${what} did not finish within ${ms} ms (database unreachable or too slow)`)
    this.name = 'DeadlineError'
  }
}

/** One postgres.js pool for the process. */
export function createSql(url: string, max = 10, deadlines: SqlDeadlines = {}): Sql {
  const connection: Record<string, string> = {}
  if (deadlines.statementTimeoutMs) connection.statement_timeout = String(deadlines.statementTimeoutMs)
  if (deadlines.idleInTransactionMs) connection.idle_in_transaction_session_timeout = String(deadlines.idleInTransactionMs)
  const stall = deadlines.queryMs ? stallGuard(deadlines.queryMs, (deadlines.connectTimeoutMs ?? 10_000) / 1000) : undefined
  const sql = postgres(url, {
    max,
    onnotice: () => {},
    idle_timeout: 30,
    connect_timeout: (deadlines.connectTimeoutMs ?? 10_000) / 1000,
    connection,
    ...(stall ? { socket: stall.socket } : {}),
    // timestamptz -> Date (serialised as ISO-8601 UTC); int8 stays a string unless cast.
  })
  if (!deadlines.queryMs && !deadlines.transactionMs) return sql
  return withDeadlines(sql, deadlines.queryMs ?? 0, deadlines.transactionMs ?? deadlines.queryMs ?? 0, stall?.stop)
}

type Query = Promise<unknown> & { handle(): Promise<void>; executed: boolean; state: unknown; strings: unknown; args: unknown[]; reject(e: unknown): void }
const isQuery = (x: unknown): x is Query => x instanceof Promise && typeof (x as Query).handle === 'function' && 'executed' in x
const NOOP = Object.assign(['select 1 where false'], { raw: ['select 1 where false'] })

/**
 * Gives query `q` an absolute deadline, armed when it is first executed (fragments nested in
 * other queries are never executed and never armed). At the deadline the caller's promise is
 * rejected; a statement not yet handed to a connection is turned into a no-op first, so it can
 * never run later.
 */
function arm(q: Query, deadlineAt: () => number, ms: number, what: string) {
  const handle = q.handle
  q.handle = function (this: Query) {
    if (this.executed) return handle.call(this)
    const left = deadlineAt() - performance.now()
    const fire = () => {
      if (this.state == null) {
        this.strings = NOOP
        this.args = []
      }
      this.reject(new DeadlineError(what, ms))
    }
    if (left <= 0) {
      fire()
      this.executed = true
      return Promise.resolve()
    }
    const timer = setTimeout(fire, left)
    const clear = () => clearTimeout(timer)
    Promise.prototype.then.call(this, clear, clear)
    return handle.call(this)
  }
  return q
}

/** Wraps `target` (the pool or a transaction) so its queries carry deadlines. */
function guardQueries<T extends object>(target: T, deadlineAt: () => number, ms: number, what: string, extra: Record<string | symbol, unknown> = {}): T {
  const wrapResult = (r: unknown) => (isQuery(r) ? arm(r, deadlineAt, ms, what) : r)
  return new Proxy(target, {
    apply: (t, self, args) => wrapResult(Reflect.apply(t as (...a: unknown[]) => unknown, self, args)),
    get(t, prop, recv) {
      if (Object.hasOwn(extra, prop)) return extra[prop]
      const v = Reflect.get(t, prop, recv)
      if (prop === 'unsafe' || prop === 'file') return (...a: unknown[]) => wrapResult((v as (...a: unknown[]) => unknown)(...a))
      return v
    },
  })
}

function withDeadlines(sql: Sql, queryMs: number, transactionMs: number, stopStall?: () => void): Sql {
  const begin = (...args: unknown[]) => {
    const fn = args.pop() as (tx: unknown) => unknown
    const deadline = performance.now() + transactionMs
    const at = () => deadline
    let timer: ReturnType<typeof setTimeout> | undefined
    const run = (sql.begin as (...a: unknown[]) => Promise<unknown>)(...args, async (tx: object) => {
      // BEGIN may have waited in the pool's queue past the deadline: never run (or commit) then.
      if (performance.now() >= deadline) throw new DeadlineError('transaction', transactionMs)
      const result = await fn(guardQueries(tx, at, transactionMs, 'transaction statement'))
      if (performance.now() >= deadline) throw new DeadlineError('transaction', transactionMs)
      return result
    })
    const late = new Promise((_, reject) => (timer = setTimeout(() => reject(new DeadlineError('transaction', transactionMs)), transactionMs)))
    run.catch(() => {}) // answered by the deadline already: its own failure (rollback) is expected
    return Promise.race([run, late]).finally(() => clearTimeout(timer))
  }
  const end = async (opts?: { timeout?: number }) => {
    stopStall?.()
    return sql.end(opts)
  }
  // Outside a transaction each statement has its own deadline, counted from when it is sent off.
  return guardQueries(sql, () => performance.now() + queryMs, queryMs, 'query', { begin, end })
}

/**
 * Resets pooled sockets that have been waiting for an answer for more than `stallMs` (a stalled
 * network path or a frozen server): what they still hold is dropped, never delivered late, and
 * the pool reconnects. Also bounds the TCP connect itself.
 */
function stallGuard(stallMs: number, connectTimeoutS: number) {
  type Watched = net.Socket & { waitingSince?: number }
  const sockets = new Set<Watched>()
  let sweeper: ReturnType<typeof setInterval> | undefined
  const sweep = () => {
    const now = performance.now()
    for (const s of sockets) if (s.waitingSince && now - s.waitingSince > stallMs) s.resetAndDestroy()
  }
  const socket = (o: { host: string[]; port: number[]; path?: string }) =>
    new Promise<net.Socket>((resolve, reject) => {
      const s: Watched = o.path ? net.connect(o.path) : net.connect({ host: o.host[0], port: o.port[0]! })
      const timer = setTimeout(() => s.destroy(Object.assign(new Error('connect timeout'), { code: 'CONNECT_TIMEOUT' })), connectTimeoutS * 1000)
      s.once('error', (e) => (clearTimeout(timer), reject(e)))
      s.once('connect', () => {
        clearTimeout(timer)
        const write = s.write.bind(s) as (...a: unknown[]) => boolean
        s.write = ((...a: unknown[]) => {
          s.waitingSince ??= performance.now()
          return write(...a)
        }) as typeof s.write
        s.on('data', () => (s.waitingSince = undefined))
        s.once('close', () => sockets.delete(s))
        sockets.add(s)
        sweeper ??= setInterval(sweep, Math.max(50, Math.min(250, stallMs / 4)))
        sweeper.unref?.()
        resolve(s)
      })
    })
  return {
    socket,
    stop() {
      clearInterval(sweeper)
    },
  }
}

/** True when `err` is a Postgres unique violation (optionally on a given constraint). */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint_name?: string }
  return e?.code === '23505' && (!constraint || e.constraint_name === constraint)
}
