import { config } from './platform/config'
import { createDeps, type Deps } from './platform/deps'
import { migrate } from './platform/migrate'
import { sealLegacyMfaSecrets } from './accounts/public'
import { createSql } from './platform/db'
import { createLogger } from './platform/log'
import { waitForDependencies } from './platform/startup'
import { createApp, type App } from './app'

/**
 * Listens and installs the SIGTERM/SIGINT drain: stop accepting, close sockets with 1001,
 * let in-flight requests finish (bounded by SHUTDOWN_TIMEOUT_MS), then close the pools.
 */
export function serve(app: App, deps: Deps & { close: () => Promise<void> }) {
  app.listen({ port: deps.config.PORT, hostname: '0.0.0.0' })
  deps.log.info('api listening', { port: app.server?.port, url: deps.config.PUBLIC_URL })
  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    deps.log.info('api shutting down', { signal })
    deps.hub.closeAll(1001, 'server shutting down')
    const drained = app.server?.stop(false)
    const timeout = new Promise((r) => setTimeout(r, deps.config.SHUTDOWN_TIMEOUT_MS).unref())
    await Promise.race([drained, timeout])
    await deps.close().catch(() => {})
    deps.log.info('api stopped')
    process.exit(0)
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))
  return app
}

/**
 * Start-up: wait for Postgres and Redis (backoff, each try logged, up to STARTUP_TIMEOUT_S; the
 * port is not opened meanwhile, so a load balancer never routes here early), migrate over a
 * pool of its own without request deadlines (a migration may take long), then serve.
 */
export async function startApi(cfg = config) {
  const log = createLogger({ role: 'api' }, cfg.LOG_LEVEL)
  await waitForDependencies({ databaseUrl: cfg.DATABASE_URL, redisUrl: cfg.REDIS_URL, redisClusterNodes: cfg.REDIS_CLUSTER_NODES, timeoutS: cfg.STARTUP_TIMEOUT_S, connectTimeoutMs: cfg.DATABASE_CONNECT_TIMEOUT_MS, log })
  const migrations = createSql(cfg.DATABASE_URL, 1)
  let deps: Awaited<ReturnType<typeof createDeps>>
  try {
    await migrate(migrations)
    deps = await createDeps(cfg, { role: 'api' })
    // One-off start-up work, like migrations, runs without request deadlines.
    const sealed = await sealLegacyMfaSecrets({ ...deps, sql: migrations })
    if (sealed.totp || sealed.recovery_codes) deps.log.info('sealed legacy MFA secrets', sealed)
  } finally {
    await migrations.end({ timeout: 5 })
  }
  return serve(createApp(deps), deps)
}

if (import.meta.main) {
  try {
    await startApi()
  } catch (err) {
    // One clear line instead of a stack trace: the usual causes are a missing database or a stopped service.
    console.error(`start-up failed: ${(err as Error).message}`)
    process.exit(1)
  }
}
