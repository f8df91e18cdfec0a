import type { Keyspace, Redis } from './redis'
import type { Metrics } from './metrics'
import { JOB_BUCKETS } from './metrics'
import { QUEUE_NAMES, type Queues } from './queues'

/**
 * Job durations are measured in the worker process but scraped from the API's /metrics,
 * so workers add them to per-queue bucket counters in Redis (shared by all replicas).
 */
export async function recordJobDuration(deps: { redis: Redis; keys: Keyspace }, queue: string, seconds: number, ok: boolean) {
  const key = deps.keys('metrics', 'job-duration', queue, ok ? 'completed' : 'failed')
  const bucket = JOB_BUCKETS.find((b) => seconds <= b)
  await deps.redis
    .multi()
    .hIncrBy(key, bucket === undefined ? 'inf' : String(bucket), 1)
    .hIncrBy(key, 'count', 1)
    .hIncrByFloat(key, 'sum', seconds)
    .exec()
}

type Value = { metricName: string; labels: Record<string, string | number>; value: number }

/** Adds queue depth gauges and the job duration histogram to the API's registry. */
export function registerQueueMetrics(deps: { redis: Redis; keys: Keyspace; metrics: Metrics; queues: Queues }) {
  deps.metrics.addGauge('queue_depth', 'Jobs per queue and state', ['queue', 'state'], async () => {
    const out: { labels: Record<string, string>; value: number }[] = []
    for (const name of QUEUE_NAMES) {
      const counts = await deps.queues[name].getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed')
      for (const [state, value] of Object.entries(counts)) out.push({ labels: { queue: name, state }, value })
    }
    return out
  })
  deps.metrics.registry.registerMetric({
    name: 'job_duration_seconds',
    async get() {
      const values: Value[] = []
      for (const queue of QUEUE_NAMES) {
        for (const result of ['completed', 'failed']) {
          const h = await deps.redis.hGetAll(deps.keys('metrics', 'job-duration', queue, result)).catch(() => ({}) as Record<string, string>)
          if (!h.count) continue
          const labels = { queue, result }
          let cumulative = 0
          for (const b of JOB_BUCKETS) {
            cumulative += Number(h[String(b)] ?? 0)
            values.push({ metricName: 'job_duration_seconds_bucket', labels: { ...labels, le: b }, value: cumulative })
          }
          values.push({ metricName: 'job_duration_seconds_bucket', labels: { ...labels, le: '+Inf' }, value: Number(h.count) })
          values.push({ metricName: 'job_duration_seconds_sum', labels, value: Number(h.sum ?? 0) })
          values.push({ metricName: 'job_duration_seconds_count', labels, value: Number(h.count) })
        }
      }
      return { name: 'job_duration_seconds', help: 'Job processing time in the worker', type: 'histogram', values, aggregator: 'sum' }
    },
  } as never)
}
