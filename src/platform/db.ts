import postgres from 'postgres'
import net from 'node:net'

export type Sql = postgres.Sql<{}>
/** A transaction-scoped or pool `sql`: query functions take it as their first parameter. */
export type Tx = postgres.TransactionSql<{}> | Sql

/**
 * Deadlines of a pool (all optional: a pool without `queryMs` behaves like plain postgres.js, as
 * the migration runner and the CLI want).
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
  const stall = deadlines.queryMs ? stallGuard(deadlines.queryMs) : undefined
  const sql = postgres(url, {
    max,
    onnotice: () => {},
    idle_timeout: 30,
    connect_timeout: (deadlines.connectTimeoutMs ?? 10_000) / 1000,
    connection,
    ...(stall ? { socket: stall.socket } : {}),
    // Reconnect attempts at most 0.5 s apart (postgres.js backs off up to 20 s by default), so
    // the pool is back within a second of the database.
    ...(deadlines.queryMs ? { backoff: (n: number) => Math.min(0.05 * 2 ** n, 0.5) } : {}),
    // timestamptz -> Date (serialised as ISO-8601 UTC); int8 stays a string unless cast.
  })
  if (!deadlines.queryMs) return sql
  return withDeadlines(sql, deadlines.queryMs, deadlines.transactionMs ?? deadlines.queryMs, stall?.stop)
}

type Query = Promise<unknown> & { handle(): Promise<void>; executed: boolean; state: unknown; strings: unknown; args: unknown[]; reject(e: unknown): void }
const isQuery = (x: unknown): x is Query => x instanceof Promise && typeof (x as Query).handle === 'function' && 'executed' in x
const NOOP = Object.assign(['select 1 where false'], { raw: ['select 1 where false'] })

/**
 * How close to its deadline a statement may still be sent, and how long past the deadline the
 * answer of a statement already sent is awaited: a statement sent at the last moment would
 * otherwise be answered 503 while the server commits it a moment later.
 */
const margin = (ms: number) => Math.min(250, ms / 8)

/**
 * Gives query `q` an absolute deadline, armed when it is first executed (fragments nested in
 * other queries are never executed and never armed).
 * - Not yet handed to a connection at the deadline (waiting in the pool while it reconnects),
 *   or handed over with less than the margin left: it is turned into a no-op before it is
 *   written, so it can never run later, and the caller gets DeadlineError.
 * - Sent in time but unanswered at the deadline: the answer is awaited for the margin more;
 *   then the caller gets DeadlineError (a silent connection is reset by the stall guard).
 */
function arm(q: Query, deadlineAt: () => number, ms: number, what: string) {
  const handle = q.handle
  const grace = margin(ms)
  q.handle = function (this: Query) {
    if (this.executed) return handle.call(this)
    const deadline = deadlineAt()
    let settled = false
    let sentAt = 0
    const neuter = () => {
      this.strings = NOOP
      this.args = []
    }
    const fail = () => {
      if (settled) return
      settled = true
      this.reject(new DeadlineError(what, ms))
    }
    // postgres.js sets `state` right before it builds and writes a statement: the last moment to stop it.
    let state: unknown = this.state
    Object.defineProperty(this, 'state', {
      configurable: true,
      enumerable: true,
      get: () => state,
      set: (v: unknown) => {
        state = v
        if (v == null || sentAt) return
        sentAt = performance.now()
        if (settled || deadline - sentAt < grace) {
          neuter()
          fail()
        }
      },
    })
    const left = deadline - performance.now()
    if (left <= grace) {
      neuter()
      fail()
      this.executed = true
      return Promise.resolve()
    }
    let timer: ReturnType<typeof setTimeout> | undefined = setTimeout(() => {
      if (!sentAt) {
        neuter()
        return fail()
      }
      timer = setTimeout(fail, grace)
    }, left)
    const done = () => {
      settled = true
      clearTimeout(timer)
    }
    Promise.prototype.then.call(this, done, done)
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
    const grace = margin(transactionMs)
    const at = () => deadline
    let committing = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const run = (sql.begin as (...a: unknown[]) => Promise<unknown>)(...args, async (tx: object) => {
      // BEGIN may have waited in the pool's queue past the deadline: never run (or commit) then.
      if (deadline - performance.now() < grace) throw new DeadlineError('transaction', transactionMs)
      const result = await fn(guardQueries(tx, at, transactionMs, 'transaction statement'))
      // COMMIT only with time left to hear its answer; otherwise roll back.
      if (deadline - performance.now() < grace) throw new DeadlineError('transaction', transactionMs)
      committing = true
      return result
    })
    const late = new Promise((_, reject) => {
      const give = () => reject(new DeadlineError('transaction', transactionMs))
      // A COMMIT on its way gets the margin more to answer.
      timer = setTimeout(() => (committing ? (timer = setTimeout(give, grace)) : give()), transactionMs)
    })
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
 * the pool reconnects.
 */
function stallGuard(stallMs: number) {
  type Watched = net.Socket & { waitingSince?: number }
  const sockets = new Set<Watched>()
  let sweeper: ReturnType<typeof setInterval> | undefined
  const sweep = () => {
    const now = performance.now()
    for (const s of sockets) if (s.waitingSince && now - s.waitingSince > stallMs) s.resetAndDestroy()
  }
  // Handed to postgres.js while still connecting: it writes the startup message (buffered until
  // connected) and handles 'error'/'close' itself, reconnecting as usual; its connect_timeout
  // bounds the handshake.
  const socket = (o: { host: string[]; port: number[]; path?: string }) => {
    const s: Watched = o.path ? net.connect(o.path) : net.connect({ host: o.host[0], port: o.port[0]! })
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
    return s
  }
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
