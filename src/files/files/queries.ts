import type { Tx } from '../../platform/db'
import type { FilePurpose } from '../urls'

export type FileRow = {
  id: string
  owner_id: string
  purpose: FilePurpose
  storage_key: string
  content_type: string
  size: number
  checksum_sha256: string
  original_name: string | null
  status: 'processing' | 'ready' | 'failed'
  /** The stored original was re-encoded without metadata (public images, sql/0060). */
  metadata_stripped?: boolean
  created_at: Date
}
export type VariantRow = { file_id: string; name: string; storage_key: string; content_type: string; width: number; height: number; size: number }

const FILE_COLUMNS = (sql: Tx) =>
  sql`id, owner_id, purpose, storage_key, content_type, size::float8 as size, checksum_sha256, original_name, status, metadata_stripped, created_at`

export async function insertFile(sql: Tx, f: Omit<FileRow, 'created_at'>): Promise<FileRow> {
  const [row] = await sql<FileRow[]>`
    insert into files (id, owner_id, purpose, storage_key, content_type, size, checksum_sha256, original_name, status)
    values (${f.id}, ${f.owner_id}, ${f.purpose}, ${f.storage_key}, ${f.content_type}, ${f.size}, ${f.checksum_sha256}, ${f.original_name}, ${f.status})
    returning ${FILE_COLUMNS(sql)}`
  return row!
}

/** Bytes of the originals `ownerId` has stored (the upload quota counts these). */
export async function storedBytes(sql: Tx, ownerId: string): Promise<number> {
  const [row] = await sql<{ n: string }[]>`select coalesce(sum(size), 0)::bigint as n from files where owner_id = ${ownerId}`
  return Number(row!.n)
}

export async function findFileById(sql: Tx, id: string): Promise<FileRow | null> {
  const [row] = await sql<FileRow[]>`select ${FILE_COLUMNS(sql)} from files where id = ${id}`
  return row ?? null
}

export async function findVariantsOf(sql: Tx, fileIds: string[]): Promise<VariantRow[]> {
  if (fileIds.length === 0) return []
  return sql<VariantRow[]>`
    select file_id, name, storage_key, content_type, width, height, size::float8 as size
    from file_variants where file_id = any(${fileIds}::uuid[]) order by width`
}

/** Deletes a file with its variants; returns every storage key that held its bytes. */
export async function deleteFileReturningKeys(sql: Tx, id: string): Promise<string[]> {
  const variants = await sql<{ storage_key: string }[]>`delete from file_variants where file_id = ${id} returning storage_key`
  const [file] = await sql<{ storage_key: string }[]>`delete from files where id = ${id} returning storage_key`
  return file ? [file.storage_key, ...variants.map((v) => v.storage_key)] : []
}

/** Locks a file row for the images worker (null when it was deleted meanwhile). */
export async function lockFile(sql: Tx, id: string): Promise<FileRow | null> {
  const [row] = await sql<FileRow[]>`select ${FILE_COLUMNS(sql)} from files where id = ${id} for update`
  return row ?? null
}

/** Records variants (a retried job overwrites its own earlier rows). */
export async function upsertVariants(sql: Tx, rows: VariantRow[]): Promise<void> {
  for (const v of rows) {
    await sql`
      insert into file_variants (file_id, name, storage_key, content_type, width, height, size)
      values (${v.file_id}, ${v.name}, ${v.storage_key}, ${v.content_type}, ${v.width}, ${v.height}, ${v.size})
      on conflict (file_id, name) do update set storage_key = excluded.storage_key, width = excluded.width,
        height = excluded.height, size = excluded.size, content_type = excluded.content_type`
  }
}

export async function setFileStatus(sql: Tx, id: string, status: FileRow['status']): Promise<void> {
  await sql`update files set status = ${status}, updated_at = now() where id = ${id}`
}

/** Points the row at the metadata-free copy of its original (public images). */
export async function replaceOriginal(sql: Tx, id: string, f: { storage_key: string; size: number; checksum_sha256: string }): Promise<void> {
  await sql`
    update files set storage_key = ${f.storage_key}, size = ${f.size}, checksum_sha256 = ${f.checksum_sha256}, metadata_stripped = true, updated_at = now()
    where id = ${id}`
}
