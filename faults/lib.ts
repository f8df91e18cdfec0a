/**
 * Private services and processes for the fault suite: a PostgreSQL cluster of its own (initdb +
 * pg_ctl as the `postgres` user), a redis-server of its own, the real API and worker entry points,
 * and an SMTP sink that delivers a message only once it has answered 250 (as a real server does).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { SMTPServer } from 'smtp-server'
import type { Subprocess } from 'bun'
import { migrate } from '../src/platform/migrate'

export function freePort(): number {
  const s = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() })
  const p = s.port!
  s.stop(true)
  return p
}

export async function until(fn: () => Promise<unknown> | unknown, ms = 20000, what = 'condition') {
  const end = performance.now() + ms
  while (performance.now() < end) {
    if (await Promise.resolve().then(fn).catch(() => false)) return
    await Bun.sleep(25)
  }
  throw new Error(`timed out waiting for ${what}`)
}

const asRoot = process.getuid?.() === 0
/** Runs a PostgreSQL tool as the `postgres` user, without blocking the event loop (the load keeps going). */
const pgRun = async (args: string[]) => {
  const cmd = asRoot ? ['runuser', '-u', 'postgres', '--', ...args] : args
  const p = Bun.spawn(cmd, { stdout: 'pipe', stderr: 'pipe' })
  if ((await p.exited) !== 0) throw new Error(`${args.join(' ')}: ${await new Response(p.stderr).text()}`)
}

/** A private PostgreSQL cluster on a free port (trust auth), with a migrated `lyceum` database. */
export async function privatePostgres() {
  const bindir = Bun.spawnSync(['pg_config', '--bindir']).stdout.toString().trim()
  const dir = mkdtempSync(join(tmpdir(), 'lyceum-faults-pg-'))
  chmodSync(dir, 0o777)
  const data = join(dir, 'data')
  if (asRoot) Bun.spawnSync(['chown', 'postgres', dir])
  await pgRun([`${bindir}/initdb`, '-D', data, '-A', 'trust', '-U', 'postgres'])
  const port = freePort()
  const start = () => pgRun([`${bindir}/pg_ctl`, '-D', data, '-w', '-l', join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off`, 'start'])
  const stop = () => pgRun([`${bindir}/pg_ctl`, '-D', data, '-w', '-m', 'fast', 'stop'])
  await start()
  const admin = postgres(`postgres://postgres@127.0.0.1:${port}/postgres`, { max: 1, onnotice: () => {} })
  await admin.unsafe('create database lyceum')
  await admin.end()
  const url = `postgres://postgres@127.0.0.1:${port}/lyceum`
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  await migrate(sql as never)
  await sql.end()
  return {
    url,
    start,
    stop,
    destroy() {
      Bun.spawnSync(asRoot ? ['runuser', '-u', 'postgres', '--', `${bindir}/pg_ctl`, '-D', data, '-m', 'immediate', 'stop'] : [`${bindir}/pg_ctl`, '-D', data, '-m', 'immediate', 'stop'], { stdout: 'ignore', stderr: 'ignore' })
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A private redis-server on a free port (no persistence: an outage loses its data, the worst case). */
export async function privateRedis() {
  const port = freePort()
  let proc: Subprocess | undefined
  const start = async () => {
    proc = Bun.spawn(['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdout: 'ignore', stderr: 'ignore' })
    await until(() => Bun.spawnSync(['redis-cli', '-p', String(port), 'ping']).stdout.toString().includes('PONG'), 10000, 'redis')
  }
  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    async stop() {
      proc?.kill('SIGKILL')
      await proc?.exited
    },
  }
}

/** Production settings for the processes under test; secrets are made up per run (none is deployed). */
const secret = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex')
export const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: secret(),
  DATA_ENCRYPTION_KEY: secret(),
  METRICS_TOKEN: secret(),
  STRIPE_SECRET_KEY: `sk_test_faults_${secret()}`,
  STRIPE_WEBHOOK_SECRET: `whsec_faults_${secret()}`,
  PUBLIC_URL: 'http://localhost:3000',
  LOG_LEVEL: 'warn',
}

/** Lines a process writes (stdout and stderr), kept for the measurements. */
export function spawnLogged(cmd: string[], env: Record<string, string>) {
  const proc = Bun.spawn(cmd, { env: { ...process.env, ...env }, stdout: 'pipe', stderr: 'pipe' })
  const lines: string[] = []
  for (const stream of [proc.stdout, proc.stderr]) {
    void (async () => {
      let rest = ''
      for await (const chunk of stream as ReadableStream<Uint8Array>) {
        rest += new TextDecoder().decode(chunk)
        const parts = rest.split('\n')
        rest = parts.pop()!
        lines.push(...parts)
      }
    })()
  }
  return { proc, lines }
}

/** The real API (src/index.ts) on a free port; resolves once it is ready. */
export async function startApi(env: Record<string, string>) {
  const port = freePort()
  const p = spawnLogged(['bun', 'src/index.ts'], { ...PRODUCTION, ...env, PORT: String(port) })
  const url = `http://127.0.0.1:${port}`
  await until(() => fetch(`${url}/health/ready`).then((r) => r.ok), 30000, 'API ready')
  return { ...p, url, port }
}

/**
 * An SMTP sink that holds each message a random time in `delayMs` before answering, and keeps it only when it
 * answers 250 to a client still connected: a sender killed before the 250 delivered nothing.
 */
export async function smtpSink(delayMs: [number, number]) {
  const received: { to: string; at: number }[] = []
  const closed = new Set<string>()
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      stream.on('data', () => {})
      stream.on('end', () => {
        setTimeout(() => {
          if (closed.has(session.id)) return callback(new Error('client went away'))
          for (const r of session.envelope.rcptTo) received.push({ to: r.address.toLowerCase(), at: performance.now() })
          callback()
        }, delayMs[0] + Math.random() * (delayMs[1] - delayMs[0]))
      })
    },
    onClose(session) {
      closed.add(session.id)
    },
  })
  server.on('error', () => {}) // a killed worker resets its connections: expected here
  const port = freePort()
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r))
  return { url: `smtp://127.0.0.1:${port}?ignore_tls=true`, received, close: () => new Promise<void>((r) => server.close(() => r())) }
}
