import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
export const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

/**
 * The process's Prometheus registry. Collectors that need I/O (queue depths, job durations
 * recorded by workers in Redis) are added by the composition root with `addGauge`.
 */
export function createMetrics() {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const requests = new Counter({
    name: 'http_requests_total', help: 'HTTP requests by route pattern and status',
    labelNames: ['method', 'route', 'status'], registers: [registry],
  })
  const latency = new Histogram({
    name: 'http_request_duration_seconds', help: 'HTTP request latency by route pattern',
    labelNames: ['method', 'route'], buckets: HTTP_BUCKETS, registers: [registry],
  })
  const wsConnections = new Gauge({ name: 'ws_connections', help: 'Open WebSocket connections on this replica', registers: [registry] })
  const wsFannedOut = new Counter({
    name: 'ws_messages_fanned_out_total', help: 'Frames delivered to local sockets', labelNames: ['type'], registers: [registry],
  })
  return {
    registry,
    wsConnections,
    wsFannedOut,
    observeRequest(method: string, route: string, status: number, seconds: number) {
      requests.inc({ method, route, status: String(status) })
      latency.observe({ method, route }, seconds)
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
