import { Worker, type Job } from 'bullmq'
import { config } from '../src/platform/config'
import { createDeps } from '../src/platform/deps'
import { bullConnection, bullPrefix, QUEUE_NAMES, type QueueName } from '../src/platform/queues'
import { compileTemplates, createMailTransport } from '../src/platform/mail'
import { dispatchOutbox, OUTBOX_CHANNEL } from '../src/platform/outbox'
import { recordJobDuration } from '../src/platform/job-metrics'
import { processEmail } from './email'
import { processEvent } from './events'
import { processAi } from './ai'
import { processImages } from './images'
import { processMaintenance } from './maintenance'
import { processCertificate } from './certificates'
import type { Processor, WorkerDeps } from './types'
import { createLogger } from '../src/platform/log'
import { waitForDependencies } from '../src/platform/startup'
import { startWorkerHealth, type WorkerHealthState } from './health'

/** The processor of each queue. A queue without one is not consumed by this build. */
export const processors: Partial<Record<QueueName, Processor>> = {
  email: processEmail,
  events: processEvent,
  ai: processAi,
  images: processImages,
  maintenance: processMaintenance,
  certificates: processCertificate,
}

const CONCURRENCY: Partial<Record<QueueName, number>> = { email: 10, events: 5, images: 1, certificates: 2, ai: 4, maintenance: 2 }

/**
 * Starts one BullMQ Worker per queue that has a processor, plus the outbox dispatcher
 * (woken by NOTIFY, with a poll as a safety net). Returns a graceful `close`.
 */
export async function startWorkers(deps: WorkerDeps, opts: { only?: QueueName[]; pollMs?: number } = {}) {
  const connection = bullConnection(deps.config.REDIS_URL, 'worker', deps.config.REDIS_CLUSTER_NODES)
  connection.on('error', () => {})
  const prefix = bullPrefix(deps.config.REDIS_PREFIX, deps.config.REDIS_CLUSTER_NODES)
  const workers: Worker[] = []
  for (const name of QUEUE_NAMES) {
    const processor = processors[name]
    if (!processor || (opts.only && !opts.only.includes(name))) continue
    const worker = new Worker(
      name,
      async (job: Job) => {
        const start = performance.now()
        let ok = false
        try {
          const result = await processor(job, deps)
          ok = true
          return result
        } finally {
          await recordJobDuration(deps, name, (performance.now() - start) / 1000, ok).catch(() => {})
        }
      },
      {
        connection,
        prefix,
        concurrency: CONCURRENCY[name] ?? 1,
        // A dead worker's lock lapses after lockDuration and the next stalled check (every
        // stalledInterval, by any live worker) hands its jobs to another: within their sum.
        lockDuration: deps.config.WORKER_LOCK_DURATION_MS,
        stalledInterval: deps.config.WORKER_STALLED_INTERVAL_MS,
        // A job that stalls twice (e.g. it kills its worker each time) fails instead of looping.
        maxStalledCount: 2,
      },
    )
    worker.on('stalled', (jobId, prev) => deps.log.warn('stalled job taken over', { queue: name, job_id: jobId, previous_state: prev }))
    worker.on('failed', (job, err) => deps.log.warn('job failed', { queue: name, job_id: job?.id, attempts: job?.attemptsMade, error: err.message }))
    worker.on('error', (err) => deps.log.warn('worker error', { queue: name, error: err.message }))
    workers.push(worker)
  }

  let dispatching = false
  let again = false
  const dispatch = async () => {
    if (dispatching) return void (again = true)
    dispatching = true
    try {
      do {
        again = false
        while ((await dispatchOutbox(deps.sql, deps.queues.events)) > 0) {}
      } while (again)
    } catch (err) {
      deps.log.warn('outbox dispatch failed', { error: String((err as Error).message) })
    } finally {
      dispatching = false
    }
  }
  const listener = await deps.sql.listen(OUTBOX_CHANNEL, () => void dispatch())
  const timer = setInterval(() => void dispatch(), opts.pollMs ?? 2000)
  await dispatch()

  return {
    workers,
    dispatch,
    async close() {
      clearInterval(timer)
      await listener.unlisten().catch(() => {})
      await Promise.all(workers.map((w) => w.close()))
      connection.disconnect()
    },
  }
}

/** Builds the worker's deps: platform deps plus compiled mail templates and a pooled SMTP transport. */
export async function createWorkerDeps(cfg = config) {
  const base = await createDeps(cfg, { role: 'worker' })
  const mail = { transport: createMailTransport(cfg.SMTP_URL), templates: await compileTemplates(), from: cfg.MAIL_FROM }
  const deps: WorkerDeps & { close: () => Promise<void> } = {
    ...base,
    mail,
    async close() {
      mail.transport.close()
      await base.close()
    },
  }
  return deps
}

/**
 * Runs the worker until SIGTERM/SIGINT, then lets active jobs finish and closes everything.
 * Start-up first waits for Postgres and Redis (backoff, each try logged, up to
 * STARTUP_TIMEOUT_S), with the health endpoint already answering (readiness 503 meanwhile).
 */
export async function runWorker(cfg = config) {
  const log = createLogger({ role: 'worker' }, cfg.LOG_LEVEL)
  const health: WorkerHealthState = {}
  const healthServer = cfg.WORKER_HEALTH_PORT ? startWorkerHealth(cfg.WORKER_HEALTH_PORT, health, log) : undefined
  // Handlers go in first: a job may become active before start-up has finished.
  const started = (async () => {
    await waitForDependencies({ databaseUrl: cfg.DATABASE_URL, redisUrl: cfg.REDIS_URL, redisClusterNodes: cfg.REDIS_CLUSTER_NODES, timeoutS: cfg.STARTUP_TIMEOUT_S, connectTimeoutMs: cfg.DATABASE_CONNECT_TIMEOUT_MS, log, onState: (s) => (health.starting = s) })
    const deps = await createWorkerDeps(cfg)
    const running = await startWorkers(deps)
    health.deps = deps
    return { deps, running }
  })()
  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    health.stopping = true
    log.info('worker shutting down', { signal })
    const up = await started.catch(() => undefined)
    if (up) {
      await up.running.close()
      await up.deps.close()
    }
    healthServer?.stop(true)
    process.exit(0)
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))
  const { deps, running } = await started
  deps.log.info('worker started', { queues: running.workers.map((w) => w.name) })
  return running
}

if (import.meta.main) {
  await runWorker().catch((err) => {
    console.error(`worker start-up failed: ${(err as Error).message}`)
    process.exit(1)
  })
}
