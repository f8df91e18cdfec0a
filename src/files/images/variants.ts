import type { Deps } from '../../platform/deps'
import { toFileView } from '../files/present'
import { findFileById, findVariantsOf, lockFile, replaceOriginal, setFileStatus, upsertVariants, type VariantRow } from '../files/queries'
import { PUBLIC_PURPOSES } from '../urls'

export type VariantsOutcome = 'ready' | 'gone' | 'failed' | 'skipped'

/** `files/2026/11/<id>.png` → `files/2026/11/<id>.thumb.webp` */
const variantKey = (originalKey: string, name: string) => `${originalKey.replace(/\.[a-z0-9]+$/, '')}.${name}.webp`
/** `files/2026/11/<id>.jpg` → `files/2026/11/<id>.clean.jpg` (the metadata-free original of a public image). */
const cleanKey = (originalKey: string) => originalKey.replace(/(\.[a-z0-9]+)$/, '.clean$1')

/**
 * The images job: renders and stores the WebP variants of an uploaded image, records them,
 * marks the file `ready` and tells the uploader (`notification {kind: 'file_ready'}`).
 * Idempotent: a retry overwrites the same keys and rows. A file deleted meanwhile is `gone`
 * (its freshly written variants are removed); an undecodable image is marked `failed`.
 */
export async function makeImageVariants(deps: Pick<Deps, 'sql' | 'storage' | 'hub' | 'log'>, fileId: string): Promise<VariantsOutcome> {
  const file = await findFileById(deps.sql, fileId)
  if (!file) return 'gone'
  if (file.status !== 'processing') return 'skipped'
  const blob = await deps.storage.get(file.storage_key)
  if (!blob) return 'gone'
  // sharp (and libvips) load on the first image, in the process that renders: API replicas,
  // which import this domain's public.ts for other reasons, never pay for them.
  const { renderVariants, stripImageMetadata, UndecodableImageError } = await import('./render')
  const isPublic = PUBLIC_PURPOSES.includes(file.purpose)
  let rendered
  let clean: Buffer | undefined
  try {
    const input = new Uint8Array(await blob.arrayBuffer())
    rendered = await renderVariants(input)
    // Public images are readable by anyone: their original is served without EXIF/GPS (SPEC §12).
    if (isPublic) clean = await stripImageMetadata(input, file.content_type)
  } catch (err) {
    if (!(err instanceof UndecodableImageError)) throw err
    deps.log.warn('image variants failed', { file_id: fileId, error: err.message })
    await setFileStatus(deps.sql, fileId, 'failed')
    return 'failed'
  }
  const rows: VariantRow[] = []
  for (const r of rendered) {
    const key = variantKey(file.storage_key, r.name)
    await deps.storage.put(key, r.data, 'image/webp')
    rows.push({ file_id: fileId, name: r.name, storage_key: key, content_type: 'image/webp', width: r.width, height: r.height, size: r.data.byteLength })
  }
  const stripped = clean && { storage_key: cleanKey(file.storage_key), size: clean.byteLength, checksum_sha256: new Bun.CryptoHasher('sha256').update(clean).digest('hex') }
  if (clean && stripped) await deps.storage.put(stripped.storage_key, clean, file.content_type)
  const stored = await deps.sql.begin(async (tx) => {
    if (!(await lockFile(tx, fileId))) return false
    await upsertVariants(tx, rows)
    if (stripped) await replaceOriginal(tx, fileId, stripped)
    await setFileStatus(tx, fileId, 'ready')
    return true
  })
  if (!stored) {
    for (const key of [...rows.map((r) => r.storage_key), ...(stripped ? [stripped.storage_key] : [])]) await deps.storage.delete(key).catch(() => {})
    return 'gone'
  }
  // The original with its metadata is no longer referenced by the row: remove it.
  if (stripped) await deps.storage.delete(file.storage_key).catch((err) => deps.log.warn('storage delete failed', { key: file.storage_key, error: String((err as Error).message) }))
  await notifyReady(deps, fileId)
  return 'ready'
}

async function notifyReady(deps: Pick<Deps, 'sql' | 'hub'>, fileId: string) {
  const file = await findFileById(deps.sql, fileId)
  if (!file) return
  const view = toFileView(file, await findVariantsOf(deps.sql, [fileId]))
  await deps.hub.publish([file.owner_id], 'notification', { kind: 'file_ready', file: view })
}
