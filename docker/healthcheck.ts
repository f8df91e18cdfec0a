// The image's HEALTHCHECK for both roles: healthy when this container's API (`PORT`, default
// 3000) or worker health endpoint (`WORKER_HEALTH_PORT`, default 3001) answers /health/live.
// Only one of them listens in a given container, so no role setting is needed. Optional
// arguments pick the path and the port: `bun docker/healthcheck.ts /health/ready 3001`.
const [path = '/health/live', only] = process.argv.slice(2)
const ports = only ? [only] : [process.env.PORT || '3000', process.env.WORKER_HEALTH_PORT || '3001'].filter((p) => p !== '0')
for (const port of ports) {
  const ok = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false)
  if (ok) process.exit(0)
}
process.exit(1)
