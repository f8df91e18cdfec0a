import { config, loadConfig, type Config } from '../../src/platform/config'
import { createDeps, type Deps } from '../../src/platform/deps'
import { createApp, type App } from '../../src/app'
import { createWorkerDeps, startWorkers } from '../../workers'
import type { SmtpSink } from './smtp'

type Closer = () => Promise<void> | void
const closers: Closer[] = []
/** Registers something to close when the run ends. */
export const onClose = (fn: Closer) => void closers.push(fn)

let shared: Promise<{ deps: Deps & { close: () => Promise<void> }; app: App }> | undefined

/** The run's shared in-process API (real Postgres/Redis), built once. */
export function testApp() {
  shared ??= (async () => {
    const deps = await createDeps(config, { role: 'api' })
    onClose(() => deps.close())
    return { deps, app: createApp(deps) }
  })()
  return shared
}

/** A separate API with settings overridden (e.g. OAuth redirect mode); closed at the end of the run. */
export async function testAppWith(overrides: Record<string, string>) {
  const cfg: Config = loadConfig({ ...process.env, ...overrides })
  const deps = await createDeps(cfg, { role: 'api' })
  onClose(() => deps.close())
  return { deps, app: createApp(deps) }
}

export type CallOptions = { body?: unknown; token?: string; headers?: Record<string, string>; raw?: string | Uint8Array | Blob | FormData }
export type CallResult<T = any> = { status: number; body: T; headers: Headers; text: string }

/** Calls the shared app through `app.handle` (no socket), JSON in and out. */
export async function call<T = any>(method: string, path: string, opts: CallOptions = {}, target?: App): Promise<CallResult<T>> {
  const app = target ?? (await testApp()).app
  const headers: Record<string, string> = { ...opts.headers }
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  let body: string | Uint8Array | Blob | FormData | undefined = opts.raw
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body)
    headers['content-type'] ??= 'application/json'
  }
  const res = await app.handle(new Request(`http://localhost${path}`, { method, headers, body }))
  const text = await res.text()
  let parsed: unknown = text
  try { parsed = text ? JSON.parse(text) : null } catch {}
  return { status: res.status, body: parsed as T, headers: res.headers, text }
}

/** Starts an API on a real port (WebSocket tests); stopped at the end of the run. */
export async function listenApp(overrides?: Record<string, string>) {
  const { app, deps } = overrides ? await testAppWith(overrides) : await testAppWith({})
  app.listen({ port: 0, hostname: '127.0.0.1' })
  onClose(async () => { await app.stop(true) })
  const port = app.server!.port
  return { app, deps, port, http: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}` }
}

let workers: Promise<Awaited<ReturnType<typeof startWorkers>>> | undefined
let workerDeps: Awaited<ReturnType<typeof createWorkerDeps>> | undefined
/** The deps of the in-process worker (e.g. to observe its logger); starts it if needed. */
export async function testWorkerDeps() {
  await testWorkers()
  return workerDeps!
}
/** Runs the real worker in-process (all queues, outbox dispatcher) once per run. */
export function testWorkers() {
  workers ??= (async () => {
    const deps = await createWorkerDeps(config)
    workerDeps = deps
    const running = await startWorkers(deps, { pollMs: 200 })
    onClose(async () => { await running.close(); await deps.close() })
    return running
  })()
  return workers
}

/** The run's SMTP sink (started by test/setup.ts). */
export const smtp = () => (globalThis as { __smtp?: SmtpSink }).__smtp!

/** Polls `fn` until it returns a truthy value (no fixed sleeps). */
export async function waitFor<T>(fn: () => Promise<T> | T, { timeoutMs = 10000, intervalMs = 25, what = 'condition' } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const v = await fn()
      if (v) return v as NonNullable<T>
    } catch (err) { last = err }
    await Bun.sleep(intervalMs)
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`)
}

export async function closeTestResources() {
  // Each closer gets a bounded time: a resource whose server a test killed must not hang the run.
  for (const c of closers.reverse()) {
    await Promise.race([Promise.resolve().then(c).catch(() => {}), Bun.sleep(3000)])
  }
}

/** A TCP port free right now on 127.0.0.1 (for processes a test spawns). */
export function freePort(): number {
  const probe = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() })
  const port = probe.port!
  probe.stop(true)
  return port
}

/** Reads a spawned process's stdout until it contains `marker` (or ends); returns what was read. */
export async function readUntil(stdout: ReadableStream<Uint8Array>, marker: string, opts: { timeoutMs?: number; what?: string } = {}) {
  let out = ''
  const reader = stdout.getReader()
  try {
    await waitFor(async () => {
      const { value, done } = await reader.read()
      if (value) out += new TextDecoder().decode(value)
      return out.includes(marker) || done
    }, { timeoutMs: opts.timeoutMs ?? 20000, what: opts.what ?? marker })
  } finally {
    reader.releaseLock()
  }
  return out
}
