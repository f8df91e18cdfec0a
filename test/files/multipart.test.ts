import { describe, expect, test } from 'bun:test'
import { AppError } from '../../src/platform/http/errors'
import { boundaryOf, parseMultipart, type MultipartEvent } from '../../src/files/files/multipart'
import { createSniffer } from '../../src/files/files/sniff'

async function* chunked(bytes: Uint8Array, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size)
}

async function collect(bytes: Uint8Array, boundary: string, size: number) {
  const parts: { name: string; filename: string | null; data: Buffer[] }[] = []
  for await (const ev of parseMultipart(chunked(bytes, size), boundary) as AsyncGenerator<MultipartEvent>) {
    if (ev.kind === 'part') parts.push({ name: ev.head.name, filename: ev.head.filename, data: [] })
    else if (ev.kind === 'data') parts.at(-1)!.data.push(Buffer.from(ev.chunk))
  }
  return parts.map((p) => ({ name: p.name, filename: p.filename, body: Buffer.concat(p.data).toString('latin1') }))
}

const b = 'XyZ-boundary'
// The file body contains CRLFs, dashes and a near-miss of the delimiter.
const fileBody = `line 1\r\n--XyZ-boundar\r\n\r\n--${b.slice(0, 5)}\r\nend`
const body = new TextEncoder().encode(
  `preamble to ignore\r\n--${b}\r\nContent-Disposition: form-data; name="file"; filename="n.txt"\r\nContent-Type: text/plain\r\n\r\n${fileBody}\r\n` +
  `--${b}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nattachment\r\n--${b}--\r\nepilogue`,
)

describe('streaming multipart parser', () => {
  test('same parts whatever the chunking (boundaries split anywhere)', async () => {
    const expected = [{ name: 'file', filename: 'n.txt', body: fileBody }, { name: 'purpose', filename: null, body: 'attachment' }]
    for (const size of [1, 2, 3, 5, 7, 13, 64, 1000]) expect(await collect(body, b, size)).toEqual(expected)
  })

  test('a body that stops early or has no boundary is a 400', async () => {
    for (const bad of [body.subarray(0, body.length - 20), new TextEncoder().encode('no multipart here'.repeat(1000))]) {
      const err = await collect(bad, b, 64).then(() => null, (e) => e)
      expect(err).toBeInstanceOf(AppError)
      expect(err.status).toBe(400)
    }
  })

  test('boundary parameter, quoted or not', () => {
    expect(boundaryOf('multipart/form-data; boundary=abc')).toBe('abc')
    expect(boundaryOf('multipart/form-data; charset=utf-8; boundary="a b:c"')).toBe('a b:c')
    expect(boundaryOf('application/json')).toBeNull()
    expect(boundaryOf('multipart/form-data')).toBeNull()
  })
})

describe('stream sniffer', () => {
  const sniff = (chunks: Uint8Array[]) => {
    const s = createSniffer()
    for (const c of chunks) s.push(c)
    return s.result()?.contentType ?? null
  }
  const enc = (s: string) => new TextEncoder().encode(s)
  test('magic numbers win over names; text must be clean UTF-8, even split mid-character', () => {
    const euro = enc('price: 5 €\n')
    expect(sniff([euro.subarray(0, 10), euro.subarray(10)])).toBe('text/plain')
    expect(sniff([enc('%PDF-1.7')])).toBe('application/pdf')
    expect(sniff([new Uint8Array([0x89, 0x50]), new Uint8Array([0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0])])).toBe('image/png')
    expect(sniff([enc('RIFF\0\0\0\0WEBPVP8 ')])).toBe('image/webp')
    expect(sniff([enc('text'), new Uint8Array([0])])).toBeNull()
    expect(sniff([new Uint8Array([0xc3])])).toBeNull()
    expect(sniff([])).toBeNull()
  })
})
