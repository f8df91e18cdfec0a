import { fileErrors } from '../errors'

/** Room for the multipart framing and the `purpose` field around the file itself. */
export const MULTIPART_OVERHEAD = 64 * 1024

/**
 * Reads a request body while counting its bytes and stops (cancelling the stream) as soon
 * as it passes `maxBytes`: a chunked upload of any size costs at most `maxBytes` of memory
 * before the 413. Content-Length is checked earlier by the platform, this covers bodies
 * without it (or lying about it).
 */
export async function readBoundedBody(body: ReadableStream<Uint8Array> | null, maxBytes: number, fileLimit: number): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0)
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    for (;;) {
      const { done, value } = await reader.read().catch(() => {
        throw fileErrors.badMultipart('The request body could not be read (connection closed early?)')
      })
      if (done) break
      total += value.byteLength
      if (total > maxBytes) {
        chunks.length = 0
        await reader.cancel().catch(() => {})
        throw fileErrors.tooLarge(fileLimit)
      }
      chunks.push(value)
    }
  } finally {
    reader.releaseLock()
  }
  return new Uint8Array(Bun.concatArrayBuffers(chunks))
}

export type UploadForm = { file: File | null; purpose: string | null }

/** Parses a buffered multipart/form-data body; anything malformed is a 400. */
export async function parseUploadForm(bytes: Uint8Array, contentType: string | null): Promise<UploadForm> {
  if (!contentType || !/^multipart\/form-data\s*;.*boundary=/i.test(contentType)) {
    throw fileErrors.badMultipart('Expected a multipart/form-data body with a boundary')
  }
  let form: Awaited<ReturnType<Response["formData"]>>
  try {
    form = await new Response(bytes, { headers: { 'content-type': contentType } }).formData()
  } catch {
    throw fileErrors.badMultipart()
  }
  const file = form.get('file')
  const purpose = form.get('purpose')
  return { file: file instanceof File ? file : null, purpose: typeof purpose === 'string' ? purpose : null }
}
