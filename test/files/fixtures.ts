/** Shared helpers of the files tests: a driver-specific API + images worker, uploads, images. */
import { Worker } from 'bullmq'
import { connect } from 'node:net'
import sharp from 'sharp'
import { loadConfig } from '../../src/platform/config'
import { createDeps } from '../../src/platform/deps'
import { bullConnection, bullPrefix } from '../../src/platform/queues'
import { deleteKeyspace } from '../../src/platform/redis'
import { processors } from '../../workers'
import type { WorkerDeps } from '../../workers/types'
import { call, listenApp, onClose, waitFor, type CallResult } from '../helpers/app'
import { s3Server } from '../helpers/s3'

export type Driver = 'local' | 's3'
export type FilesContext = Awaited<ReturnType<typeof filesContext>>

/**
 * An API on a real port with the given storage driver, and the real `images` processor
 * consuming its queue. Each context has its own Redis prefix, so its jobs never reach
 * workers of another driver (the database is the run's shared one).
 */
export async function filesContext(driver: Driver, extra: Record<string, string> = {}) {
  const prefix = `${process.env.REDIS_PREFIX}-f${driver}${Math.random().toString(36).slice(2, 6)}`
  const env = { ...(driver === 's3' ? (await s3Server()).env : {}), REDIS_PREFIX: prefix, ...extra }
  const api = await listenApp(env)
  const cfg = loadConfig({ ...process.env, ...env })
  const deps = await createDeps(cfg, { role: 'worker' })
  const connection = bullConnection(cfg.REDIS_URL, 'worker', cfg.REDIS_CLUSTER_NODES)
  connection.on('error', () => {})
  const workerDeps = { ...deps, mail: undefined as never } satisfies WorkerDeps
  const worker = new Worker('images', (job) => processors.images!(job, workerDeps), { connection, prefix: bullPrefix(prefix, cfg.REDIS_CLUSTER_NODES), concurrency: 2 })
  onClose(async () => {
    await worker.close()
    connection.disconnect()
    await deleteKeyspace(deps.redis, prefix)
    await deps.close()
  })
  return { ...api, driver, call: <T = any>(method: string, path: string, opts: Parameters<typeof call>[2] = {}) => call<T>(method, path, opts, api.app) }
}

/** POST /files with a multipart body. */
export function upload(ctx: FilesContext, token: string | undefined, purpose: string | null, bytes: Uint8Array | string | null, name = 'file.bin') {
  const form = new FormData()
  if (purpose !== null) form.append('purpose', purpose)
  if (bytes !== null) form.append('file', new File([bytes], name))
  return ctx.call('POST', '/api/v1/files', { token, raw: form })
}

/** Polls GET /files/:id until the worker has finished with it. */
export async function waitProcessed(ctx: FilesContext, token: string, id: string): Promise<CallResult> {
  return waitFor(
    async () => {
      const r = await ctx.call('GET', `/api/v1/files/${id}`, { token })
      return r.body?.status !== 'processing' ? r : null
    },
    { timeoutMs: 20000, what: `file ${id} processed` },
  )
}

/** The bytes at a content URL: streamed (local) or through the presigned redirect (S3). */
export async function fetchContent(ctx: FilesContext, url: string, token?: string) {
  const r = await ctx.call('GET', url, { token })
  if (ctx.driver === 's3' && r.status === 302) {
    const res = await fetch(r.headers.get('location')!)
    return { status: res.status, bytes: new Uint8Array(await res.arrayBuffer()), res, first: r }
  }
  const res = await fetch(`${ctx.http}${url}`, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  return { status: res.status, bytes: new Uint8Array(await res.arrayBuffer()), res, first: r }
}

/** A photo-like test image (a gradient with some noise so it compresses like a photo). */
export async function makeImage(format: 'png' | 'jpeg' | 'webp' | 'gif', width: number, height: number, orientation?: number) {
  const img = sharp({ create: { width, height, channels: 3, background: '#3a6ea5', noise: { type: 'gaussian', mean: 128, sigma: 30 } } })
  const withMeta = orientation ? img.withMetadata({ orientation }) : img
  return new Uint8Array(await withMeta.toFormat(format).toBuffer())
}

/** A valid PNG header that claims `width`×`height` (a decompression bomb as far as a decoder can tell). */
export async function pngClaiming(width: number, height: number) {
  const png = Buffer.from(await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } }).png().toBuffer())
  png.writeUInt32BE(width, 16)
  png.writeUInt32BE(height, 20)
  png.writeUInt32BE(Bun.hash.crc32(png.subarray(12, 29)) >>> 0, 29)
  return new Uint8Array(png)
}

/**
 * Sends a chunked multipart upload of `totalBytes` over a raw socket (no Content-Length)
 * and returns the status line the server answers with, and how much was sent by then.
 * The same chunk buffer is reused so the client itself allocates almost nothing.
 */
export function streamChunkedUpload(port: number, token: string, totalBytes: number, chunkBytes = 256 * 1024): Promise<{ status: number; sent: number; body: string }> {
  const boundary = 'lyceum-big-upload'
  const preamble = `--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nattachment\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n`
  const head = `POST /api/v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nTransfer-Encoding: chunked\r\n\r\n`
  const chunk = Buffer.alloc(chunkBytes, 0x61)
  const frame = Buffer.concat([Buffer.from(`${chunkBytes.toString(16)}\r\n`), chunk, Buffer.from('\r\n')])
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1')
    let response = ''
    let sent = 0
    let answered = false
    const finish = () => {
      const m = response.match(/^HTTP\/1\.1 (\d{3})/)
      if (!m) return reject(new Error(`no HTTP response (sent ${sent} bytes): ${response.slice(0, 200)}`))
      resolve({ status: Number(m[1]), sent, body: response.split('\r\n\r\n').slice(1).join('\r\n\r\n') })
    }
    const pump = () => {
      while (!answered && sent < totalBytes) {
        sent += chunkBytes
        if (!sock.write(frame)) return void sock.once('drain', pump)
      }
      const trailer = `\r\n--${boundary}--\r\n`
      if (!answered) sock.write(`${trailer.length.toString(16)}\r\n${trailer}\r\n0\r\n\r\n`)
    }
    sock.on('connect', () => {
      sock.write(head + `${Buffer.byteLength(preamble).toString(16)}\r\n${preamble}\r\n`)
      pump()
    })
    sock.on('data', (d) => {
      response += d.toString('latin1')
      if (!answered && response.includes('\r\n\r\n') && /\}\s*$/.test(response)) {
        answered = true
        sock.destroy()
        finish()
      }
    })
    sock.on('error', () => { if (!answered) { answered = true; finish() } })
    sock.on('close', () => { if (!answered) { answered = true; finish() } })
  })
}
