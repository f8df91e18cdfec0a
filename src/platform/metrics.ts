import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client'

const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
export const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

/**
 * The process's Prometheus registry. Collectors that need I/O (queue depths, job durations
 * recorded by workers in Redis) are added by the composition root with `addGauge`.
 */
export function createMetrics() {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  // The request path aggregates into plain maps (a lookup and two increments per request);
  // prom-client reads them when /metrics is scraped and renders the exposition text.
  const counts = new Map<string, { labels: Record<string, string>; n: number }>()
  const timings = new Map<string, { labels: Record<string, string>; buckets: number[]; sum: number; n: number }>()
  registry.registerMetric({
    name: 'http_requests_total',
    get: async () => ({
      name: 'http_requests_total', help: 'HTTP requests by route pattern and status', type: 'counter', aggregator: 'sum',
      values: [...counts.values()].map((c) => ({ labels: c.labels, value: c.n })),
    }),
  } as never)
  registry.registerMetric({
    name: 'http_request_duration_seconds',
    get: async () => ({
      name: 'http_request_duration_seconds', help: 'HTTP request latency by route pattern', type: 'histogram', aggregator: 'sum',
      values: [...timings.values()].flatMap((h) => [
        ...HTTP_BUCKETS.map((le, i) => ({ metricName: 'http_request_duration_seconds_bucket', labels: { ...h.labels, le }, value: h.buckets[i]! })),
        { metricName: 'http_request_duration_seconds_bucket', labels: { ...h.labels, le: '+Inf' }, value: h.n },
        { metricName: 'http_request_duration_seconds_sum', labels: h.labels, value: h.sum },
        { metricName: 'http_request_duration_seconds_count', labels: h.labels, value: h.n },
      ]),
    }),
  } as never)
  const wsConnections = new Gauge({ name: 'ws_connections', help: 'Open WebSocket connections on this replica', registers: [registry] })
  const wsFannedOut = new Counter({
    name: 'ws_messages_fanned_out_total', help: 'Frames delivered to local sockets', labelNames: ['type'], registers: [registry],
  })
  return {
    registry,
    wsConnections,
    wsFannedOut,
    observeRequest(method: string, route: string, status: number, seconds: number) {
      const ck = `${method} ${route} ${status}`
      const c = counts.get(ck)
      if (c) c.n++
      else counts.set(ck, { labels: { method, route, status: String(status) }, n: 1 })
      const tk = `${method} ${route}`
      let h = timings.get(tk)
      if (!h) timings.set(tk, (h = { labels: { method, route }, buckets: HTTP_BUCKETS.map(() => 0), sum: 0, n: 0 }))
      h.n++
      h.sum += seconds
      // Cumulative buckets: every bucket whose bound is at least the observation.
      for (let i = HTTP_BUCKETS.length - 1; i >= 0 && seconds <= HTTP_BUCKETS[i]!; i--) h.buckets[i]!++
    },
    /** Registers a gauge whose values are read when /metrics is scraped. */
    addGauge(name: string, help: string, labelNames: string[], read: () => Promise<{ labels: Record<string, string>; value: number }[]>) {
      new Gauge({
        name, help, labelNames, registers: [registry],
        async collect() {
          this.reset()
          for (const { labels, value } of await read().catch(() => [])) this.set(labels, value)
        },
      })
    },
  }
}
export type Metrics = ReturnType<typeof createMetrics>
