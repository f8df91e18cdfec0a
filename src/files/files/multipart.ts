import { fileErrors } from '../errors'

/** One part's headers (RFC 7578): its field name, and file name / type when it is a file. */
export type PartHead = { name: string; filename: string | null; contentType: string | null }
export type MultipartEvent = { kind: 'part'; head: PartHead } | { kind: 'data'; chunk: Buffer } | { kind: 'end' }

const MAX_HEADER_BYTES = 8 * 1024
const CRLF2 = Buffer.from('\r\n\r\n')

/** The boundary of a `multipart/form-data; boundary=...` content type, or null. */
export function boundaryOf(contentType: string | null): string | null {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return null
  const m = contentType.match(/;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i)
  return m?.[1] ?? m?.[2] ?? null
}

function parseHead(raw: string): PartHead {
  let name: string | null = null
  let filename: string | null = null
  let contentType: string | null = null
  for (const line of raw.split('\r\n')) {
    const i = line.indexOf(':')
    if (i < 0) throw fileErrors.badMultipart('Malformed part header')
    const key = line.slice(0, i).trim().toLowerCase()
    const value = line.slice(i + 1).trim()
    if (key === 'content-type') contentType = value
    if (key !== 'content-disposition') continue
    if (!/^form-data\b/i.test(value)) throw fileErrors.badMultipart('A part is not form-data')
    name = value.match(/;\s*name="([^"]*)"/i)?.[1] ?? value.match(/;\s*name=([^;\s]+)/i)?.[1] ?? null
    filename = value.match(/;\s*filename="([^"]*)"/i)?.[1] ?? value.match(/;\s*filename=([^;\s]+)/i)?.[1] ?? null
  }
  if (name === null) throw fileErrors.badMultipart('A part has no field name')
  return { name, filename, contentType }
}

/**
 * Parses a multipart/form-data stream incrementally: yields each part's head, its bytes
 * as they arrive (never holding more than one network chunk plus a boundary's length), and
 * its end. Anything malformed, or a stream ending early, is a 400.
 */
export async function* parseMultipart(body: AsyncIterable<Uint8Array>, boundary: string): AsyncGenerator<MultipartEvent> {
  const opening = Buffer.from(`--${boundary}`)
  const delimiter = Buffer.from(`\r\n--${boundary}`)
  let buf: Buffer = Buffer.alloc(0)
  let state: 'preamble' | 'head' | 'body' | 'after' = 'preamble'
  let finished = false
  for await (const chunk of body) {
    buf = buf.length ? Buffer.concat([buf, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    for (;;) {
      if (state === 'preamble') {
        // Accept the first boundary at the very start or after a preamble line.
        const at = buf.indexOf(opening)
        if (at < 0) {
          if (buf.length > MAX_HEADER_BYTES) throw fileErrors.badMultipart('No multipart boundary found')
          break
        }
        buf = buf.subarray(at + opening.length)
        state = 'after'
      } else if (state === 'after') {
        if (buf.length < 2) break
        const tail = buf.subarray(0, 2).toString('latin1')
        if (tail === '--') { finished = true; break }
        if (tail !== '\r\n') throw fileErrors.badMultipart('Malformed multipart boundary')
        buf = buf.subarray(2)
        state = 'head'
      } else if (state === 'head') {
        const end = buf.indexOf(CRLF2)
        if (end < 0) {
          if (buf.length > MAX_HEADER_BYTES) throw fileErrors.badMultipart('Part headers too large')
          break
        }
        yield { kind: 'part', head: parseHead(buf.subarray(0, end).toString('utf8')) }
        buf = buf.subarray(end + 4)
        state = 'body'
      } else if (state === 'body') {
        const at = buf.indexOf(delimiter)
        if (at < 0) {
          // Keep back what could be the start of a delimiter split across chunks.
          const safe = buf.length - (delimiter.length - 1)
          if (safe > 0) {
            yield { kind: 'data', chunk: buf.subarray(0, safe) }
            buf = buf.subarray(safe)
          }
          break
        }
        if (at > 0) yield { kind: 'data', chunk: buf.subarray(0, at) }
        yield { kind: 'end' }
        buf = buf.subarray(at + delimiter.length)
        state = 'after'
      }
    }
    if (finished) return
  }
  throw fileErrors.badMultipart('The multipart body ended early')
}
