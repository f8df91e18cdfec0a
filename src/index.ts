import { config } from './platform/config'
import { createDeps, type Deps } from './platform/deps'
import { migrate } from './platform/migrate'
import { sealLegacyMfaSecrets } from './accounts/public'
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

if (import.meta.main) {
  try {
    const deps = await createDeps(config, { role: 'api' })
    await migrate(deps.sql)
    const sealed = await sealLegacyMfaSecrets(deps)
    if (sealed.totp || sealed.recovery_codes) deps.log.info('sealed legacy MFA secrets', sealed)
    serve(createApp(deps), deps)
  } catch (err) {
    // One clear line instead of a stack trace: the usual causes are a missing database or a stopped service.
    console.error(`start-up failed: ${(err as Error).message}`)
    process.exit(1)
  }
}
