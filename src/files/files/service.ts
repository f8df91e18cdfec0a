import type { Deps } from '../../platform/deps'
import type { Tx } from '../../platform/db'
import { httpErrors } from '../../platform/http/errors'
import type { Role } from '../../platform/http/auth'
import { fileErrors } from '../errors'
import { enqueueImageVariants } from '../jobs'
import { FILE_PURPOSES, PUBLIC_PURPOSES, type FilePurpose, type VariantName } from '../urls'
import { toFileView, type FileView } from './present'
import { deleteFileReturningKeys, findFileById, findVariantsOf, insertFile, storedBytes, type FileRow } from './queries'
import { countLimited } from '../../platform/http/rate-limit'
import { takeUserToken } from '../../platform/http/user-limits'
import { ALLOWED_TYPES, type Sniffed } from './sniff'
import { receiveUpload, type ReceivedFile } from './upload-body'

/** Who is asking: a signed-in user, or nobody (public files need no token). */
export type Viewer = { userId: string; role: Role } | null

/** Lifetime of presigned S3 links handed out by the content redirect. */
const PRESIGN_SECONDS = 300

const storageKeyFor = (id: string, ext: string, now = new Date()) =>
  `files/${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}/${id}.${ext}`

/** A display name only: control characters dropped, length capped, never used as a key. */
const cleanName = (name: string) => name.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 255).trim() || null

function parsePurpose(purpose: string | null): FilePurpose {
  if (!purpose || !(FILE_PURPOSES as readonly string[]).includes(purpose)) {
    throw httpErrors.validation([{ field: 'purpose', message: `Must be one of ${FILE_PURPOSES.join(', ')}` }])
  }
  return purpose as FilePurpose
}

/**
 * POST /files: reads the multipart body with a byte budget (413 as soon as it is exceeded),
 * checks the type by magic bytes against the purpose's allow-list (415), stores the bytes
 * under a generated key, records the row, and queues variants for images.
 */
type UploadDeps = Pick<Deps, 'sql' | 'storage' | 'queues' | 'config' | 'log' | 'redis' | 'keys'> & Partial<Pick<Deps, 'metrics'>>

export async function uploadFile(deps: UploadDeps, ownerId: string, request: Request): Promise<FileView> {
  const limit = deps.config.UPLOAD_MAX_BYTES
  // SPEC §12: LIMIT_UPLOADS_PER_HOUR, and no body is read for a user whose quota is already full.
  await takeUserToken(deps, 'uploads', ownerId)
  await assertQuota(deps, deps.sql, ownerId, 1)
  const form = await receiveUpload(request, limit)
  try {
    const purpose = parsePurpose(form.purpose)
    const file = form.file
    if (!file) throw httpErrors.validation([{ field: 'file', message: 'A file part is required' }])
    if (file.size === 0) throw httpErrors.validation([{ field: 'file', message: 'The file is empty' }])
    const type = file.sniffed
    if (!type || !ALLOWED_TYPES[purpose].includes(type.contentType)) throw fileErrors.unsupportedType(purpose)
    return await storeUpload(deps, ownerId, purpose, file, type)
  } finally {
    await form.discard()
  }
}

/** 413 `quota_exceeded` when `ownerId`'s stored originals plus `adding` bytes exceed UPLOAD_QUOTA_BYTES (0: no quota). */
async function assertQuota(deps: Pick<UploadDeps, 'config' | 'metrics'>, sql: Tx, ownerId: string, adding: number) {
  const quota = deps.config.UPLOAD_QUOTA_BYTES
  if (quota <= 0 || (await storedBytes(sql, ownerId)) + adding <= quota) return
  countLimited(deps, 'upload_quota')
  throw fileErrors.quotaExceeded(quota)
}

/** Moves a received file into storage under a generated key and records it. */
async function storeUpload(deps: Pick<UploadDeps, 'sql' | 'storage' | 'queues' | 'log' | 'config' | 'metrics'>, ownerId: string, purpose: FilePurpose, file: ReceivedFile, type: Sniffed) {
  await assertQuota(deps, deps.sql, ownerId, file.size)
  const id = crypto.randomUUID()
  const key = storageKeyFor(id, type.ext)
  await deps.storage.put(key, Bun.file(file.path), type.contentType).catch((err) => {
    deps.log.warn('storage put failed', { key, error: String((err as Error).message) })
    throw httpErrors.unavailable('File storage is unavailable, try again')
  })
  // The authoritative quota check: under a per-owner lock, so parallel uploads cannot overshoot.
  const row = await deps.sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext(${`files:${ownerId}`}))`
    await assertQuota(deps, tx, ownerId, file.size)
    return insertFile(tx, {
      id, owner_id: ownerId, purpose, storage_key: key, content_type: type.contentType, size: file.size,
      checksum_sha256: file.sha256, original_name: cleanName(file.name ?? ''), status: type.image ? 'processing' : 'ready',
    })
  }).catch(async (err) => {
    await deps.storage.delete(key).catch(() => {})
    throw err
  })
  if (type.image) await enqueueOrUndo(deps, row)
  return toFileView(row, [])
}

/** Without a queued job an image would stay `processing` forever: undo the upload instead. */
async function enqueueOrUndo(deps: Pick<Deps, 'sql' | 'storage' | 'queues' | 'log'>, row: FileRow) {
  try {
    await enqueueImageVariants(deps.queues, row.id)
  } catch (err) {
    deps.log.warn('image job enqueue failed', { file_id: row.id, error: String((err as Error).message) })
    await deleteFileReturningKeys(deps.sql, row.id)
    await deps.storage.delete(row.storage_key).catch(() => {})
    throw httpErrors.unavailable('The image queue is unavailable, try again')
  }
}

const isOwner = (row: FileRow, viewer: Viewer) => !!viewer && (viewer.role === 'admin' || viewer.userId === row.owner_id)
const canRead = (row: FileRow, viewer: Viewer) => PUBLIC_PURPOSES.includes(row.purpose) || isOwner(row, viewer)

/** A file the viewer may read, else 404 (never revealing that it exists). */
async function readableFile(deps: Pick<Deps, 'sql'>, id: string, viewer: Viewer): Promise<FileRow> {
  const row = await findFileById(deps.sql, id)
  if (!row || !canRead(row, viewer)) throw fileErrors.notFound()
  return row
}

export async function getFile(deps: Pick<Deps, 'sql'>, id: string, viewer: Viewer): Promise<FileView> {
  const row = await readableFile(deps, id, viewer)
  return toFileView(row, await findVariantsOf(deps.sql, [id]))
}

/**
 * The bytes of a file or one of its variants: a stream from local disk, or a redirect to a
 * short-lived presigned URL when the driver has one.
 */
export async function fileContent(
  deps: Pick<Deps, 'sql' | 'storage'>, id: string, variant: VariantName | undefined, viewer: Viewer, ifNoneMatch?: string,
): Promise<Response> {
  const row = await readableFile(deps, id, viewer)
  let key = row.storage_key
  let contentType = row.content_type
  // A public image whose original still has its metadata (being processed, or stored before
  // stripping existed) is served as its large variant, which never carries any (SPEC §12).
  if (!variant && PUBLIC_PURPOSES.includes(row.purpose) && row.content_type.startsWith('image/') && !row.metadata_stripped) variant = 'large'
  if (variant) {
    const v = (await findVariantsOf(deps.sql, [id])).find((x) => x.name === variant)
    if (!v) throw httpErrors.notFound('This variant does not exist (yet)')
    key = v.storage_key
    contentType = v.content_type
  }
  const cache = PUBLIC_PURPOSES.includes(row.purpose) ? 'public, max-age=300' : 'private, no-store'
  const presigned = deps.storage.presign(key, PRESIGN_SECONDS)
  if (presigned) return new Response(null, { status: 302, headers: { location: presigned, 'cache-control': 'private, no-store' } })
  // Stored bytes never change under an id: a matching ETag needs no body.
  const etag = `"${row.checksum_sha256.slice(0, 32)}${variant ? `-${variant}` : ''}"`
  if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim() === etag)) return new Response(null, { status: 304, headers: { etag, 'cache-control': cache } })
  const blob = await deps.storage.get(key)
  if (!blob) throw fileErrors.notFound()
  return new Response(blob, { headers: { ...contentHeaders(row, contentType, blob.size, cache), etag } })
}

function contentHeaders(row: FileRow, contentType: string, size: number, cache: string): Record<string, string> {
  const inline = contentType.startsWith('image/') || contentType === 'application/pdf' || contentType === 'text/plain'
  const name = encodeURIComponent(row.original_name ?? row.id)
  return {
    'content-type': contentType === 'text/plain' ? 'text/plain; charset=utf-8' : contentType,
    'content-length': String(size),
    'cache-control': cache,
    'content-disposition': `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${name}`,
    // Uploaded content must never run as a page of this origin.
    'content-security-policy': "default-src 'none'; sandbox",
  }
}

/** DELETE /files/:id: the owner or an admin; removes the row, its variants and every stored object. */
export async function deleteFile(
  deps: Pick<Deps, 'sql' | 'storage' | 'log'>,
  id: string,
  viewer: Viewer,
  onDeleted?: (file: { id: string; ownerId: string }) => void,
): Promise<void> {
  const row = await findFileById(deps.sql, id)
  if (!row || !isOwner(row, viewer)) throw fileErrors.notFound()
  const keys = await deps.sql.begin((tx) => deleteFileReturningKeys(tx, id))
  onDeleted?.({ id: row.id, ownerId: row.owner_id })
  for (const key of keys) {
    // The row is gone already: a failed object delete leaves an orphan to log, not an error.
    await deps.storage.delete(key).catch((err) => deps.log.warn('storage delete failed', { key, error: String((err as Error).message) }))
  }
}
