/**
 * Preloaded before every test file (bunfig.toml): gives this run a private PostgreSQL
 * database, Redis key prefix, storage folder and SMTP sink, and applies the migrations.
 * Everything is set in the environment before `src/platform/config` is first imported.
 */
import { afterAll } from 'bun:test'
import postgres from 'postgres'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startSmtpSink } from './helpers/smtp'
import { startRedisCluster, type LocalCluster } from './helpers/redis-cluster'

const run = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`
const adminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const dbName = `lyceum_test_${run}`
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
await admin.unsafe(`create database "${dbName}"`)
const dbUrl = new URL(adminUrl)
dbUrl.pathname = `/${dbName}`

// Cluster mode (`bun run test:cluster`): TEST_REDIS_CLUSTER=1 runs every Redis use of this run on
// a Redis Cluster, the one named by TEST_REDIS_CLUSTER_NODES or a private local one.
let cluster: LocalCluster | null = null
if (process.env.TEST_REDIS_CLUSTER === '1' || process.env.TEST_REDIS_CLUSTER_NODES) {
  let nodes = process.env.TEST_REDIS_CLUSTER_NODES
  if (!nodes) nodes = (cluster = await startRedisCluster()).nodes
  process.env.REDIS_CLUSTER_NODES = nodes
  // Nothing may fall back to a single Redis unnoticed: REDIS_URL points nowhere in this mode.
  process.env.TEST_REDIS_URL = 'redis://127.0.0.1:1'
}

const storageDir = mkdtempSync(join(tmpdir(), 'lyceum-test-'))
const smtp = await startSmtpSink()
;(globalThis as { __smtp?: typeof smtp }).__smtp = smtp

Object.assign(process.env, {
  NODE_ENV: 'test',
  DATABASE_URL: dbUrl.toString(),
  // Many apps and processes share one server (max_connections 100) during a run: keep pools small.
  DATABASE_POOL_MAX: '5',
  REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  REDIS_PREFIX: `lyceum-test-${run}`,
  STORAGE_DIR: storageDir,
  SMTP_URL: smtp.url,
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  PUBLIC_URL: 'http://localhost:3000',
  AI_PROVIDER: 'offline',
  SHUTDOWN_TIMEOUT_MS: '5000',
  // Many worker processes run at once in a test run: no fixed health port unless a test picks one.
  WORKER_HEALTH_PORT: '0',
  // A test machine shared by many runs can stall a query for seconds: roomy deadlines here;
  // test/platform/deadlines.test.ts sets the production ones where it tests them.
  DATABASE_QUERY_TIMEOUT_MS: '15000',
  DATABASE_TRANSACTION_TIMEOUT_MS: '15000',
  DATABASE_STATEMENT_TIMEOUT_MS: '15000',
  REDIS_COMMAND_TIMEOUT_MS: '15000',
})

const { migrate } = await import('../src/platform/migrate')
const sql = postgres(dbUrl.toString(), { max: 1, onnotice: () => {} })
await migrate(sql as never)
await sql.end()

afterAll(async () => {
  const { closeTestResources } = await import('./helpers/app')
  await closeTestResources()
  await smtp.close()
  const { connectRedis, closeRedis, deleteKeyspace } = await import('../src/platform/redis')
  const redis = await connectRedis({ REDIS_URL: process.env.REDIS_URL!, REDIS_CLUSTER_NODES: process.env.REDIS_CLUSTER_NODES }, 'cleanup')
  await deleteKeyspace(redis, `lyceum-test-${run}`)
  await closeRedis(redis)
  await cluster?.stop()
  await admin.unsafe(`drop database if exists "${dbName}" with (force)`)
  await admin.end()
  rmSync(storageDir, { recursive: true, force: true })
})
