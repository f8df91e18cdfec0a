/**
 * What other domains and workers may ask of files: URLs of stored files and a check that a
 * file id given by a client is theirs and meant for the use they make of it.
 */
import { isUuid } from '../platform/ids'
import type { Tx } from '../platform/db'
import { fileErrors } from './errors'
import type { FilePurpose } from './urls'

export { FILE_PURPOSES, PUBLIC_PURPOSES, fileUrl, fileVariantUrl, type FilePurpose } from './urls'

/** The request field that usually carries a file of each purpose (for error details). */
const DEFAULT_FIELD: Record<FilePurpose, string> = {
  avatar: 'avatar_file_id',
  course_cover: 'cover_file_id',
  product_image: 'image_file_ids',
  attachment: 'file_id',
}


/**
 * Throws 422 `validation_failed` (detail on `field`) unless every id names an existing file
 * owned by `ownerId` with this `purpose`. Unknown and foreign files get the same answer so
 * that file ids of others are not revealed.
 */
export async function assertUsableFiles(
  sql: Tx,
  opts: { fileIds: string[]; ownerId: string; purpose: FilePurpose; field?: string },
): Promise<void> {
  const field = opts.field ?? DEFAULT_FIELD[opts.purpose]
  const ids = [...new Set(opts.fileIds)]
  if (ids.length === 0) return
  if (ids.some((id) => !isUuid(id))) throw fileErrors.unusable(field, 'Not a file id')
  const rows = await sql<{ id: string; owner_id: string; purpose: string }[]>`
    select id, owner_id, purpose from files where id = any(${ids}::uuid[])`
  const found = new Map(rows.map((r) => [r.id, r]))
  for (const id of ids) {
    const row = found.get(id)
    if (!row || row.owner_id !== opts.ownerId) throw fileErrors.unusable(field, `File ${id} does not exist or is not yours`)
    if (row.purpose !== opts.purpose) {
      throw fileErrors.unusable(field, `File ${id} was uploaded as "${row.purpose}", "${opts.purpose}" is required`)
    }
  }
}

/** `assertUsableFiles` for one id. */
export function assertUsableFile(sql: Tx, opts: { fileId: string; ownerId: string; purpose: FilePurpose; field?: string }) {
  return assertUsableFiles(sql, { fileIds: [opts.fileId], ownerId: opts.ownerId, purpose: opts.purpose, field: opts.field })
}

export { makeImageVariants, type VariantsOutcome } from './images/variants'
