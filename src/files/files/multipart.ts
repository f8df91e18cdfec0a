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

type Scan = { buf: Buffer; state: 'preamble' | 'head' | 'body' | 'after'; finished: boolean; opening: Buffer; delimiter: Buffer }
/** One step of the scan: the events it produced, or null when more input is needed. */
type Step = (s: Scan) => MultipartEvent[] | null

const STEPS: Record<Scan['state'], Step> = {
  preamble(s) {
    // The first boundary may follow a preamble, which is ignored.
    const at = s.buf.indexOf(s.opening)
    if (at < 0) {
      if (s.buf.length > MAX_HEADER_BYTES) throw fileErrors.badMultipart('No multipart boundary found')
      return null
    }
    s.buf = s.buf.subarray(at + s.opening.length)
    s.state = 'after'
    return []
  },
  after(s) {
    if (s.buf.length < 2) return null
    const tail = s.buf.subarray(0, 2).toString('latin1')
    if (tail === '--') return (s.finished = true), []
    if (tail !== '\r\n') throw fileErrors.badMultipart('Malformed multipart boundary')
    s.buf = s.buf.subarray(2)
    s.state = 'head'
    return []
  },
  head(s) {
    const end = s.buf.indexOf(CRLF2)
    if (end < 0) {
      if (s.buf.length > MAX_HEADER_BYTES) throw fileErrors.badMultipart('Part headers too large')
      return null
    }
    const head = parseHead(s.buf.subarray(0, end).toString('utf8'))
    s.buf = s.buf.subarray(end + 4)
    s.state = 'body'
    return [{ kind: 'part', head }]
  },
  body(s) {
    const at = s.buf.indexOf(s.delimiter)
    if (at < 0) {
      // Keep back what could be the start of a delimiter split across chunks.
      const safe = s.buf.length - (s.delimiter.length - 1)
      if (safe <= 0) return null
      const chunk = s.buf.subarray(0, safe)
      s.buf = s.buf.subarray(safe)
      return [{ kind: 'data', chunk }]
    }
    const events: MultipartEvent[] = at > 0 ? [{ kind: 'data', chunk: s.buf.subarray(0, at) }, { kind: 'end' }] : [{ kind: 'end' }]
    s.buf = s.buf.subarray(at + s.delimiter.length)
    s.state = 'after'
    return events
  },
}

/**
 * Parses a multipart/form-data stream incrementally: yields each part's head, its bytes
 * as they arrive (never holding more than one network chunk plus a boundary's length), and
 * its end. Anything malformed, or a stream ending early, is a 400.
 */
export async function* parseMultipart(body: AsyncIterable<Uint8Array>, boundary: string): AsyncGenerator<MultipartEvent> {
  const s: Scan = { buf: Buffer.alloc(0), state: 'preamble', finished: false, opening: Buffer.from(`--${boundary}`), delimiter: Buffer.from(`\r\n--${boundary}`) }
  for await (const chunk of body) {
    s.buf = s.buf.length ? Buffer.concat([s.buf, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    for (let events = STEPS[s.state](s); events; events = s.finished ? null : STEPS[s.state](s)) yield* events
    if (s.finished) return
  }
  throw fileErrors.badMultipart('The multipart body ended early')
}
