import type { FilePurpose } from '../urls'

/** A content type recognised from a file's first bytes. */
export type Sniffed = { contentType: string; image: boolean; ext: string }

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif']
/** Content types each purpose accepts (SPEC §8). */
export const ALLOWED_TYPES: Record<FilePurpose, string[]> = {
  avatar: IMAGE_TYPES,
  course_cover: IMAGE_TYPES,
  product_image: IMAGE_TYPES,
  attachment: [...IMAGE_TYPES, 'application/pdf', 'text/plain', 'application/zip'],
}

const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((v, i) => b[at + i] === v)
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0))

const SIGNATURES: { sig: number[]; at?: number; type: Sniffed }[] = [
  { sig: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], type: { contentType: 'image/png', image: true, ext: 'png' } },
  { sig: [0xff, 0xd8, 0xff], type: { contentType: 'image/jpeg', image: true, ext: 'jpg' } },
  { sig: ascii('GIF87a'), type: { contentType: 'image/gif', image: true, ext: 'gif' } },
  { sig: ascii('GIF89a'), type: { contentType: 'image/gif', image: true, ext: 'gif' } },
  { sig: ascii('%PDF-'), type: { contentType: 'application/pdf', image: false, ext: 'pdf' } },
  { sig: [0x50, 0x4b, 0x03, 0x04], type: { contentType: 'application/zip', image: false, ext: 'zip' } },
  { sig: [0x50, 0x4b, 0x05, 0x06], type: { contentType: 'application/zip', image: false, ext: 'zip' } },
]

/**
 * Plain text has no magic number: it must be valid UTF-8 (BOM allowed) without NUL or other
 * control characters besides tab, newlines, form feed and escape.
 */
const CONTROL_CHARS = /[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]/

/**
 * The type of a stream by its bytes (magic numbers, never the name): remembers the first bytes for the magic numbers and checks the
 * plain-text rules chunk by chunk, so a file never has to be held in memory to be typed.
 */
export function createSniffer() {
  const head = new Uint8Array(16)
  let headLen = 0
  let text = true
  const decoder = new TextDecoder('utf-8', { fatal: true })
  return {
    push(chunk: Uint8Array) {
      if (headLen < head.length) {
        const take = chunk.subarray(0, head.length - headLen)
        head.set(take, headLen)
        headLen += take.length
      }
      if (!text) return
      // Decoding natively and scanning with a regex is ~20x faster than a byte loop in JS.
      try { text = !CONTROL_CHARS.test(decoder.decode(chunk, { stream: true })) } catch { text = false }
    },
    result(): Sniffed | null {
      const start = head.subarray(0, headLen)
      for (const s of SIGNATURES) if (startsWith(start, s.sig, s.at)) return s.type
      if (startsWith(start, ascii('RIFF')) && startsWith(start, ascii('WEBP'), 8)) return { contentType: 'image/webp', image: true, ext: 'webp' }
      try { decoder.decode() } catch { text = false }
      return text && headLen > 0 ? { contentType: 'text/plain', image: false, ext: 'txt' } : null
    },
  }
}
