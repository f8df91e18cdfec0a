import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq'
import IORedis, { Cluster } from 'ioredis'

export const QUEUE_NAMES = ['email', 'certificates', 'images', 'ai', 'events', 'maintenance'] as const
export type QueueName = (typeof QUEUE_NAMES)[number]
export type Queues = Record<QueueName, Queue>

/** Retries with exponential backoff; failures are kept for the dead-letter view. */
export const defaultJobOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 5000 },
  removeOnFail: false,
}

/**
 * An ioredis connection for BullMQ. Producers fail fast when Redis is down (no offline
 * queue); workers retry forever (`maxRetriesPerRequest: null`, as BullMQ requires).
 */
export function bullConnection(url: string, role: 'producer' | 'worker', clusterNodes = ''): IORedis | Cluster {
  const options = {
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    // A producer's add on a stalled connection fails (503) instead of holding the request.
    ...(role === 'producer' ? { commandTimeout: 2000 } : {}),
    lazyConnect: false,
  }
  if (clusterNodes) {
    // On a Redis Cluster (REDIS_CLUSTER_NODES) BullMQ runs on an ioredis Cluster; its prefix is
    // hash-tagged (`bullPrefix`) so that every key of a queue lives in one slot.
    const nodes = clusterNodes.split(',').filter(Boolean).map((n) => {
      const i = n.lastIndexOf(':')
      return { host: n.slice(0, i), port: Number(n.slice(i + 1)) }
    })
    return new Cluster(nodes, { redisOptions: options, enableOfflineQueue: options.enableOfflineQueue, lazyConnect: false })
  }
  return new IORedis(url, options)
}

/** BullMQ's key prefix; on a cluster `{<prefix>:bull}`, a hash tag, as BullMQ requires. */
export function bullPrefix(redisPrefix: string, clusterNodes = '') {
  return clusterNodes ? `{${redisPrefix}:bull}` : `${redisPrefix}:bull`
}

/** One BullMQ Queue per SPEC §9 queue, sharing a producer connection. */
export function createQueues(url: string, redisPrefix: string, clusterNodes = ''): { queues: Queues; close: () => Promise<void> } {
  const connection = bullConnection(url, 'producer', clusterNodes)
  connection.on('error', () => {}) // surfaced by health checks and failing adds, not log spam
  const prefix = bullPrefix(redisPrefix, clusterNodes)
  const queues = Object.fromEntries(
    QUEUE_NAMES.map((name) => [name, new Queue(name, { connection: connection as ConnectionOptions, prefix, defaultJobOptions })]),
  ) as Queues
  // A queue re-emits connection errors; without a listener they would crash the process.
  for (const q of Object.values(queues)) q.on('error', () => {})
  return {
    queues,
    async close() {
      // With Redis unreachable a graceful close would wait forever: drop the socket first.
      if (connection.status !== 'ready') connection.disconnect()
      await Promise.all(Object.values(queues).map((q) => q.close()))
      connection.disconnect()
    },
  }
}

const SECRET_KEY = /token|code|password|secret|otp|ticket/i

/** Copies job data with secrets (tokens, codes, passwords) replaced, for admin views and logs. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return /[?&#](token|code|ticket)=/i.test(value) ? '[redacted]' : value
  if (depth > 8 || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1))
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1)]),
  )
}
