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
 * Plain text has no magic number: accept valid UTF-8 (BOM allowed) without NUL or other
 * control characters besides tab, newlines, form feed and escape.
 */
function isPlainText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false
  for (const b of bytes) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) return false
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    return true
  } catch {
    return false
  }
}

/** What the bytes are (by magic numbers, never by name), or null when not a known type. */
export function sniffType(bytes: Uint8Array): Sniffed | null {
  for (const s of SIGNATURES) if (startsWith(bytes, s.sig, s.at)) return s.type
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return { contentType: 'image/webp', image: true, ext: 'webp' }
  if (isPlainText(bytes)) return { contentType: 'text/plain', image: false, ext: 'txt' }
  return null
}
