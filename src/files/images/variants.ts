import type { Deps } from '../../platform/deps'
import { toFileView } from '../files/present'
import { findFileById, findVariantsOf, lockFile, setFileStatus, upsertVariants, type VariantRow } from '../files/queries'

export type VariantsOutcome = 'ready' | 'gone' | 'failed' | 'skipped'

/** `files/2026/11/<id>.png` → `files/2026/11/<id>.thumb.webp` */
const variantKey = (originalKey: string, name: string) => `${originalKey.replace(/\.[a-z0-9]+$/, '')}.${name}.webp`

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
  const { renderVariants, UndecodableImageError } = await import('./render')
  let rendered
  try {
    rendered = await renderVariants(new Uint8Array(await blob.arrayBuffer()))
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
  const stored = await deps.sql.begin(async (tx) => {
    if (!(await lockFile(tx, fileId))) return false
    await upsertVariants(tx, rows)
    await setFileStatus(tx, fileId, 'ready')
    return true
  })
  if (!stored) {
    for (const r of rows) await deps.storage.delete(r.storage_key).catch(() => {})
    return 'gone'
  }
  await notifyReady(deps, fileId)
  return 'ready'
}

async function notifyReady(deps: Pick<Deps, 'sql' | 'hub'>, fileId: string) {
  const file = await findFileById(deps.sql, fileId)
  if (!file) return
  const view = toFileView(file, await findVariantsOf(deps.sql, [fileId]))
  await deps.hub.publish([file.owner_id], 'notification', { kind: 'file_ready', file: view })
}
