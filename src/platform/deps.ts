import type { Config } from './config'
import { createSql, type Sql, type SqlDeadlines } from './db'
import { createLogger, type Logger } from './log'
import { createMetrics, type Metrics } from './metrics'
import { createQueues, type Queues } from './queues'
import { closeRedis, connectRedis, keyspace, type Keyspace, type Redis } from './redis'
import { createStorage, type Storage } from './storage'
import { createHub, type Hub } from './ws/hub'
import { registerQueueMetrics } from './job-metrics'

/** Everything a request handler, service or job may touch, built once per process. */
export type Deps = {
  config: Config
  sql: Sql
  redis: Redis
  redisSub: Redis
  keys: Keyspace
  queues: Queues
  hub: Hub
  storage: Storage
  log: Logger
  metrics: Metrics
}

/** Connects Postgres, Redis (commands + subscriber), BullMQ producers and the hub. */
export async function createDeps(config: Config, opts: { role: 'api' | 'worker' } = { role: 'api' }): Promise<Deps & { close: () => Promise<void> }> {
  const log = createLogger({ role: opts.role }, config.LOG_LEVEL)
  const sql = createSql(config.DATABASE_URL, config.DATABASE_POOL_MAX, sqlDeadlines(config, opts.role))
  const redis = await connectRedis(config, 'commands', config.REDIS_COMMAND_TIMEOUT_MS)
  const redisSub = await connectRedis(config, 'subscriber')
  const keys = keyspace(config.REDIS_PREFIX)
  const { queues, close: closeQueues } = createQueues(config.REDIS_URL, config.REDIS_PREFIX, config.REDIS_CLUSTER_NODES)
  const metrics = createMetrics()
  const hub = createHub({ redis, redisSub, channel: keys('hub'), log, metrics })
  const storage = createStorage(config)
  if (opts.role === 'api') {
    registerQueueMetrics({ redis, keys, metrics, queues })
    await hub.start()
  }
  return {
    config, sql, redis, redisSub, keys, queues, hub, storage, log, metrics,
    async close() {
      await hub.stop()
      await closeQueues().catch(() => {})
      await Promise.all([closeRedis(redis), closeRedis(redisSub)])
      await sql.end({ timeout: 5 })
    },
  }
}

/**
 * The API answers within the request deadlines (a statement, a transaction) and Postgres enforces
 * the same bounds; the worker has no client waiting and gets one longer bound for everything.
 */
export function sqlDeadlines(config: Config, role: 'api' | 'worker'): SqlDeadlines {
  const base = { connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS, idleInTransactionMs: config.DATABASE_IDLE_TX_TIMEOUT_MS }
  if (role === 'worker') {
    const ms = config.WORKER_DATABASE_TIMEOUT_MS
    return { ...base, queryMs: ms, transactionMs: ms, statementTimeoutMs: ms }
  }
  return { ...base, queryMs: config.DATABASE_QUERY_TIMEOUT_MS, transactionMs: config.DATABASE_TRANSACTION_TIMEOUT_MS, statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS }
}
