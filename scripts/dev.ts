/**
 * `bun run dev`: the whole platform on one machine with zero settings.
 * Uses PostgreSQL/Redis on their default local ports, or starts private ones from the
 * installed binaries under .dev/ (git-ignored), or says in one line what to install.
 * Then: migrations, a local mail inbox with a web UI (maildev), a local Stripe stand-in,
 * the API and the worker (both restarted by `bun --watch` when a source file changes) and demo
 * data. Ctrl-C stops everything. `bun run dev:reset` (this script with --reset) first drops the
 * dev database, the dev Redis keys and the dev storage folder, so the demo data is loaded afresh.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { createClient } from 'redis'
import { deleteKeyspace } from '../src/platform/redis'
import { join, resolve } from 'node:path'
import postgres from 'postgres'
import type { Subprocess } from 'bun'

const ROOT = resolve(import.meta.dir, '..')
const DEV = join(ROOT, '.dev')
const children: Subprocess[] = []
const say = (msg: string) => console.log(`[dev] ${msg}`)

function stopAll(code = 0): never {
  for (const c of children.reverse()) c.kill('SIGTERM')
  process.exit(code)
}
process.on('SIGINT', () => stopAll(0))
process.on('SIGTERM', () => stopAll(0))

async function tcpUp(port: number): Promise<boolean> {
  try {
    const s = await Bun.connect({ hostname: '127.0.0.1', port, socket: { data() {} } })
    s.end()
    return true
  } catch {
    return false
  }
}

async function waitTcp(port: number, what: string, ms = 60000) {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await tcpUp(port)) return
    await Bun.sleep(200)
  }
  say(`${what} did not come up on port ${port}`)
  stopAll(1)
}

function spawn(name: string, cmd: string[], env: Record<string, string> = {}) {
  const child = Bun.spawn(cmd, { cwd: ROOT, env: { ...process.env, ...env }, stdout: 'inherit', stderr: 'inherit' })
  children.push(child)
  child.exited.then((code) => {
    if (code !== 0 && code !== null && code !== 143) say(`${name} exited with code ${code}`)
  })
  return child
}

function pgBin(name: string): string | undefined {
  const base = '/usr/lib/postgresql'
  if (!existsSync(base)) return undefined
  for (const v of readdirSync(base).sort().reverse()) {
    const p = join(base, v, 'bin', name)
    if (existsSync(p)) return p
  }
  return undefined
}

async function ensurePostgres(): Promise<string> {
  if (await tcpUp(5432)) return 'postgres://postgres@127.0.0.1:5432'
  const initdb = pgBin('initdb')
  const pgCtl = pgBin('pg_ctl')
  if (!initdb || !pgCtl) {
    say('PostgreSQL is not running on 127.0.0.1:5432 and is not installed: install it with `apt-get install -y postgresql redis-server`')
    stopAll(1)
  }
  const data = join(DEV, 'pg')
  const port = 54329
  if (!existsSync(join(data, 'PG_VERSION'))) {
    mkdirSync(data, { recursive: true })
    say('initialising a private PostgreSQL under .dev/pg')
    const asPostgres = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : []
    if (asPostgres.length) Bun.spawnSync(['chown', '-R', 'postgres', DEV])
    const r = Bun.spawnSync([...asPostgres, initdb, '-D', data, '-U', 'postgres', '--auth=trust'], { stdout: 'ignore', stderr: 'inherit' })
    if (r.exitCode !== 0) stopAll(1)
  }
  const asPostgres = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : []
  spawn('postgres', [...asPostgres, pgBin('postgres')!, '-D', data, '-p', String(port), '-k', data, '-h', '127.0.0.1'])
  await waitTcp(port, 'private PostgreSQL')
  return `postgres://postgres@127.0.0.1:${port}`
}

async function ensureRedis(): Promise<string> {
  if (await tcpUp(6379)) return 'redis://127.0.0.1:6379'
  if (!Bun.which('redis-server')) {
    say('Redis is not running on 127.0.0.1:6379 and is not installed: install it with `apt-get install -y redis-server`')
    stopAll(1)
  }
  const port = 63799
  mkdirSync(join(DEV, 'redis'), { recursive: true })
  spawn('redis', ['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', join(DEV, 'redis')])
  await waitTcp(port, 'private Redis')
  return `redis://127.0.0.1:${port}`
}

async function ensureDatabase(serverUrl: string, name: string) {
  const admin = postgres(`${serverUrl}/postgres`, { max: 1, onnotice: () => {} })
  const [row] = await admin`select 1 from pg_database where datname = ${name}`
  if (!row) await admin.unsafe(`create database "${name}"`)
  await admin.end()
  return `${serverUrl}/${name}`
}

/** `--reset`: the dev database, the dev Redis keys (this prefix only) and stored files go. */
async function resetDevData(serverUrl: string, redisUrl: string) {
  const admin = postgres(`${serverUrl}/postgres`, { max: 1, onnotice: () => {} })
  await admin.unsafe('drop database if exists "lyceum" with (force)')
  await admin.end()
  const redis = createClient({ url: redisUrl })
  await redis.connect()
  await deleteKeyspace(redis, process.env.REDIS_PREFIX ?? 'lyceum')
  await redis.quit()
  rmSync(process.env.STORAGE_DIR ?? join(DEV, 'storage'), { recursive: true, force: true })
  say('reset: dropped the dev database "lyceum", the Redis keys "lyceum:*" and .dev/storage')
}

const pgServer = await ensurePostgres()
const redisUrl = await ensureRedis()
if (process.argv.includes('--reset')) {
  if (process.env.DATABASE_URL) {
    say('--reset drops the database "lyceum" that bun run dev creates; unset DATABASE_URL to use it')
    stopAll(1)
  }
  await resetDevData(pgServer, redisUrl)
}
const databaseUrl = process.env.DATABASE_URL ?? (await ensureDatabase(pgServer, 'lyceum'))

const MAIL_UI = 1080
const MAIL_SMTP = 1025
const STRIPE_PORT = 12111
const apiPort = Number(process.env.PORT ?? 3000)

if (!(await tcpUp(MAIL_SMTP))) {
  spawn('maildev', ['bun', join(ROOT, 'node_modules/maildev/bin/maildev'), '--smtp', String(MAIL_SMTP), '--web', String(MAIL_UI), '--ip', '127.0.0.1', '--silent'])
  await waitTcp(MAIL_SMTP, 'maildev')
}
if (!(await tcpUp(STRIPE_PORT))) {
  spawn('stripe stand-in', ['bun', join(ROOT, 'scripts/stripe-standin.ts')], { STRIPE_STANDIN_PORT: String(STRIPE_PORT) })
  await waitTcp(STRIPE_PORT, 'Stripe stand-in')
}

const env: Record<string, string> = {
  DATABASE_URL: databaseUrl,
  REDIS_URL: redisUrl,
  PORT: String(apiPort),
  SMTP_URL: `smtp://127.0.0.1:${MAIL_SMTP}?ignore_tls=true`,
  STRIPE_API_BASE: process.env.STRIPE_API_BASE ?? `http://127.0.0.1:${STRIPE_PORT}`,
  AI_PROVIDER: process.env.AI_PROVIDER ?? 'offline',
  STORAGE_DIR: process.env.STORAGE_DIR ?? join(DEV, 'storage'),
}

const migrate = Bun.spawnSync(['bun', 'src/platform/migrate-cli.ts'], { cwd: ROOT, env: { ...process.env, ...env }, stdout: 'inherit', stderr: 'inherit' })
if (migrate.exitCode !== 0) stopAll(1)

// --watch restarts each process when a file it imports changes (--no-clear-screen keeps the log).
spawn('api', ['bun', '--watch', '--no-clear-screen', 'src/index.ts'], env)
spawn('worker', ['bun', '--watch', '--no-clear-screen', 'workers/index.ts'], env)
await waitTcp(apiPort, 'API')

const seed = Bun.spawnSync(['bun', 'scripts/seed.ts'], { cwd: ROOT, env: { ...process.env, ...env, API_URL: `http://127.0.0.1:${apiPort}` }, stdout: 'inherit', stderr: 'inherit' })
if (seed.exitCode !== 0) say('demo data could not be loaded (see above); the platform is still running')

say(`Home         http://localhost:${apiPort}/`)
say(`API          http://localhost:${apiPort}/api/v1`)
say(`Swagger UI   http://localhost:${apiPort}/swagger`)
say(`AsyncAPI     http://localhost:${apiPort}/asyncapi.json`)
say(`Mail inbox   http://localhost:${MAIL_UI}`)
say(`Stripe stand-in http://127.0.0.1:${STRIPE_PORT} (lists payment intents; POST /dev/pay/:payment_intent_id pays one)`)
say('Source changes restart the API and the worker. Ctrl-C stops everything; bun run dev:reset starts from fresh demo data.')
await new Promise(() => {})
