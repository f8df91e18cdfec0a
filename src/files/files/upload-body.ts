import { mkdir, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileErrors } from '../errors'
import { boundaryOf, parseMultipart, type PartHead } from './multipart'
import { createSniffer, type Sniffed } from './sniff'

/** Room for the multipart framing and the `purpose` field around the file itself. */
export const MULTIPART_OVERHEAD = 64 * 1024
const MAX_FIELD_BYTES = 1024
const TMP_DIR = join(tmpdir(), 'lyceum-uploads')

/** A received upload: the file spooled to a temporary path (remove it with `discard`). */
export type ReceivedFile = { path: string; size: number; sha256: string; sniffed: Sniffed | null; name: string | null }
export type UploadForm = { file: ReceivedFile | null; purpose: string | null; discard: () => Promise<void> }

/**
 * Counts a body's bytes as they arrive and stops (cancelling the stream) once past
 * `maxBytes`: a chunked upload of any size costs a chunk of memory before its 413.
 */
async function* bounded(body: ReadableStream<Uint8Array>, maxBytes: number, fileLimit: number): AsyncGenerator<Uint8Array> {
  const reader = body.getReader()
  let total = 0
  try {
    for (;;) {
      const { done, value } = await reader.read().catch(() => {
        throw fileErrors.badMultipart('The request body could not be read (connection closed early?)')
      })
      if (done) return
      total += value.byteLength
      if (total > maxBytes) {
        await reader.cancel().catch(() => {})
        throw fileErrors.tooLarge(fileLimit)
      }
      yield value
    }
  } finally {
    reader.releaseLock()
  }
}

/**
 * Reads a multipart upload as a stream: the `file` part goes to a temporary file while its
 * size (413 past `fileLimit`), SHA-256 and type are computed; small fields are kept.
 * Nothing is ever buffered beyond a network chunk.
 */
export async function receiveUpload(request: Request, fileLimit: number): Promise<UploadForm> {
  const boundary = boundaryOf(request.headers.get('content-type'))
  if (!boundary) throw fileErrors.badMultipart('Expected a multipart/form-data body with a boundary')
  if (!request.body) throw fileErrors.badMultipart('Empty body')
  await mkdir(TMP_DIR, { recursive: true })
  const path = join(TMP_DIR, crypto.randomUUID())
  const form: UploadForm = { file: null, purpose: null, discard: () => rm(path, { force: true }) }
  let sink: Awaited<ReturnType<typeof spool>> | null = null
  try {
    const events = parseMultipart(bounded(request.body, fileLimit + MULTIPART_OVERHEAD, fileLimit), boundary)
    let part: PartHead | null = null
    let field: Buffer[] = []
    for await (const ev of events) {
      if (ev.kind === 'part') {
        part = ev.head
        field = []
        if (part.name === 'file' && part.filename !== null && !form.file && !sink) sink = await spool(path, fileLimit, part.filename)
      } else if (ev.kind === 'data') {
        if (sink && part?.name === 'file') await sink.write(ev.chunk)
        else if (field.reduce((n, b) => n + b.length, 0) < MAX_FIELD_BYTES) field.push(Buffer.from(ev.chunk))
      } else if (part?.name === 'file' && sink) {
        form.file = await sink.close()
        sink = null
      } else if (part?.name === 'purpose' && form.purpose === null) {
        form.purpose = Buffer.concat(field).toString('utf8').slice(0, MAX_FIELD_BYTES)
      }
    }
    return form
  } catch (err) {
    await sink?.close().catch(() => {})
    await form.discard()
    throw err
  }
}

/** A temporary file being written, hashed and typed as the file part arrives. */
async function spool(path: string, limit: number, filename: string) {
  const handle = await open(path, 'w', 0o600)
  const hasher = new Bun.CryptoHasher('sha256')
  const sniffer = createSniffer()
  let size = 0
  let closed = false
  const close = async () => { if (!closed) { closed = true; await handle.close() } }
  return {
    async write(chunk: Buffer) {
      size += chunk.length
      if (size > limit) { await close(); throw fileErrors.tooLarge(limit) }
      hasher.update(chunk)
      sniffer.push(chunk)
      await handle.write(chunk)
    },
    async close(): Promise<ReceivedFile> {
      await close()
      return { path, size, sha256: hasher.digest('hex'), sniffed: sniffer.result(), name: filename }
    },
  }
}
