import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client'

const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
export const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

/**
 * The process's Prometheus registry. Collectors that need I/O (queue depths, job durations
 * recorded by workers in Redis) are added by the composition root with `addGauge`.
 */
export function createMetrics() {
  const registry = new Registry()
  // Event-loop delay is sampled every 100 ms rather than prom-client's 10 ms: under Bun the 10 ms
  // sampler alone kept an idle API process at ~1% of a core (17 → 11 ms of CPU a second, measured),
  // and stalls long enough to matter are still caught.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 })
  // The request path aggregates into plain maps (route → method → one record: two lookups of
  // strings that are already interned, a few increments); prom-client reads them when /metrics
  // is scraped and renders the exposition text. Buckets are counted per interval and made
  // cumulative at scrape time.
  type RouteStats = { labels: Record<string, string>; statuses: Map<number, number>; buckets: number[]; sum: number; n: number }
  const stats = new Map<string, Map<string, RouteStats>>()
  const all = () => [...stats.values()].flatMap((byMethod) => [...byMethod.values()])
  registry.registerMetric({
    name: 'http_requests_total',
    get: async () => ({
      name: 'http_requests_total', help: 'HTTP requests by route pattern and status', type: 'counter', aggregator: 'sum',
      values: all().flatMap((h) => [...h.statuses].map(([status, n]) => ({ labels: { ...h.labels, status: String(status) }, value: n }))),
    }),
  } as never)
  registry.registerMetric({
    name: 'http_request_duration_seconds',
    get: async () => ({
      name: 'http_request_duration_seconds', help: 'HTTP request latency by route pattern', type: 'histogram', aggregator: 'sum',
      values: all().flatMap((h) => {
        let cumulative = 0
        return [
          ...HTTP_BUCKETS.map((le, i) => ({ metricName: 'http_request_duration_seconds_bucket', labels: { ...h.labels, le }, value: (cumulative += h.buckets[i]!) })),
          { metricName: 'http_request_duration_seconds_bucket', labels: { ...h.labels, le: '+Inf' }, value: h.n },
          { metricName: 'http_request_duration_seconds_sum', labels: h.labels, value: h.sum },
          { metricName: 'http_request_duration_seconds_count', labels: h.labels, value: h.n },
        ]
      }),
    }),
  } as never)
  const wsConnections = new Gauge({ name: 'ws_connections', help: 'Open WebSocket connections on this replica', registers: [registry] })
  const wsFannedOut = new Counter({
    name: 'ws_messages_fanned_out_total', help: 'Frames delivered to local sockets', labelNames: ['type'], registers: [registry],
  })
  // Requests refused by a per-user/per-IP limit (SPEC §12), labelled with the limit's name.
  const rateLimited = new Counter({
    name: 'lyceum_rate_limited_total', help: 'Requests refused by a limit, by limit name', labelNames: ['limit'], registers: [registry],
  })
  // SPEC §13: per replica, envelopes taken from Redis and frames handed to local sockets. With
  // targeted fan-out, received ÷ (envelopes addressed to this replica's users) stays ≈ 1.
  const wsEnvelopesReceived = new Counter({
    name: 'lyceum_ws_envelopes_received_total', help: 'Fan-out envelopes this replica received from Redis', registers: [registry],
  })
  const wsFramesDelivered = new Counter({
    name: 'lyceum_ws_frames_delivered_total', help: 'Frames this replica delivered to its local sockets', registers: [registry],
  })
  return {
    registry,
    wsConnections,
    wsFannedOut,
    rateLimited,
    wsEnvelopesReceived,
    wsFramesDelivered,
    observeRequest(method: string, route: string, status: number, seconds: number) {
      let byMethod = stats.get(route)
      if (!byMethod) stats.set(route, (byMethod = new Map()))
      let h = byMethod.get(method)
      if (!h) byMethod.set(method, (h = { labels: { method, route }, statuses: new Map(), buckets: HTTP_BUCKETS.map(() => 0), sum: 0, n: 0 }))
      h.statuses.set(status, (h.statuses.get(status) ?? 0) + 1)
      h.n++
      h.sum += seconds
      // The first bucket whose bound holds the observation (none: only +Inf, which is `n`).
      let i = 0
      while (i < HTTP_BUCKETS.length && seconds > HTTP_BUCKETS[i]!) i++
      if (i < HTTP_BUCKETS.length) h.buckets[i]!++
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
