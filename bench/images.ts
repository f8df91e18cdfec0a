/**
 * Images/s through the real `images` worker processor for 2000×1500 JPEG photos: uploads N
 * photos through the files upload service (each queues a variants job), then starts a BullMQ
 * worker with the production processor and times until every file is `ready`.
 * Runs in a private database, Redis prefix and storage folder, all removed afterwards.
 * Usage: bun bench/images.ts [photos=24] [concurrency=1,2]   (needs Postgres + Redis up)
 */
import { Worker } from 'bullmq'
import sharp from 'sharp'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../src/platform/config'
import { createDeps } from '../src/platform/deps'
import { bullConnection, bullPrefix } from '../src/platform/queues'
import { deleteKeyspace } from '../src/platform/redis'
import { uploadFile } from '../src/files/files/service'
import { processImages } from '../workers/images'
import type { WorkerDeps } from '../workers/types'
import { benchDatabase } from './lib'

const photos = Number(process.argv[2] ?? 24)
const concurrencies = (process.argv[3] ?? '1,2').split(',').map(Number)
const run = `${process.pid}_${Date.now().toString(36)}`
const db = await benchDatabase('images')
const storageDir = mkdtempSync(join(tmpdir(), 'lyceum-bench-'))
const prefix = `lyceum-bench-${run}`
const cfg = loadConfig({ ...process.env, DATABASE_URL: db.url, REDIS_PREFIX: prefix, STORAGE_DIR: storageDir, STORAGE_DRIVER: 'local', LOG_LEVEL: 'warn', UPLOAD_MAX_BYTES: String(20 * 1024 * 1024) })
const deps = await createDeps(cfg, { role: 'worker' })

/** Photo-like JPEGs: noise over a colour, with an EXIF orientation so rotation is exercised. */
async function photo(i: number) {
  const background = `#${((i * 2654435761) >>> 8 & 0xffffff).toString(16).padStart(6, '0')}`
  return sharp({ create: { width: 2000, height: 1500, channels: 3, background, noise: { type: 'gaussian', mean: 120, sigma: 25 } } })
    .withMetadata({ orientation: i % 2 ? 6 : 1 })
    .jpeg({ quality: 85 })
    .toBuffer()
}

async function uploadAll(userId: string, sources: Buffer[]) {
  const ids: string[] = []
  for (let i = 0; i < photos; i++) {
    const form = new FormData()
    form.append('purpose', 'course_cover')
    form.append('file', new File([sources[i % sources.length]!], `photo-${i}.jpg`))
    const file = await uploadFile(deps, userId, new Request('http://bench/api/v1/files', { method: 'POST', body: form }))
    ids.push(file.id)
  }
  return ids
}

async function timeWorker(ids: string[], concurrency: number) {
  const connection = bullConnection(cfg.REDIS_URL, 'worker', cfg.REDIS_CLUSTER_NODES)
  const start = performance.now()
  const worker = new Worker('images', (job) => processImages(job, { ...deps, mail: undefined as never } satisfies WorkerDeps), {
    connection, prefix: bullPrefix(prefix, cfg.REDIS_CLUSTER_NODES), concurrency,
  })
  for (;;) {
    const [row] = await deps.sql<{ n: number }[]>`select count(*)::int as n from files where id = any(${ids}::uuid[]) and status = 'processing'`
    if (row!.n === 0) break
    await Bun.sleep(20)
  }
  const seconds = (performance.now() - start) / 1000
  await worker.close()
  connection.disconnect()
  const [failed] = await deps.sql<{ n: number }[]>`select count(*)::int as n from files where id = any(${ids}::uuid[]) and status <> 'ready'`
  return { seconds, failed: failed!.n }
}

try {
  const [user] = await deps.sql<{ id: string }[]>`insert into users (email, display_name) values (${`bench-${run}@example.test`}, 'Bench') returning id`
  const sources = await Promise.all([0, 1, 2, 3].map(photo))
  console.log(`images bench: ${photos} photos 2000x1500 JPEG (~${(sources[0]!.byteLength / 1e6).toFixed(1)} MB), 3 WebP variants each, ${cpus().length} CPUs, sharp ${sharp.versions.sharp}/libvips ${sharp.versions.vips}`)
  for (const concurrency of concurrencies) {
    const ids = await uploadAll(user!.id, sources)
    const { seconds, failed } = await timeWorker(ids, concurrency)
    console.log(`  worker concurrency ${concurrency}: ${(photos / seconds).toFixed(2)} images/s  (${((seconds * 1000) / photos).toFixed(0)} ms/image wall, ${failed} not ready)`)
  }
} finally {
  await deleteKeyspace(deps.redis, prefix)
  await deps.close()
  await db.drop()
  rmSync(storageDir, { recursive: true, force: true })
}
