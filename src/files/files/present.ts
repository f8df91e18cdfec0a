import { fileUrl, fileVariantUrl } from '../urls'
import type { FileRow, VariantRow } from './queries'

type Variant = { url: string; width: number; height: number }
/** The API shape of a file (SPEC §8); `url`s are stable API URLs, never presigned links. */
export type FileView = {
  id: string
  url: string
  content_type: string
  size: number
  purpose: FileRow['purpose']
  status: FileRow['status']
  variants: { thumb?: Variant; medium?: Variant; large?: Variant }
  name: string | null
  created_at: Date
}

export function toFileView(row: FileRow, variants: VariantRow[]): FileView {
  const out: FileView['variants'] = {}
  for (const v of variants) {
    if (v.file_id !== row.id) continue
    out[v.name as keyof FileView['variants']] = { url: fileVariantUrl(row.id, v.name), width: v.width, height: v.height }
  }
  return {
    id: row.id,
    url: fileUrl(row.id),
    content_type: row.content_type,
    size: row.size,
    purpose: row.purpose,
    status: row.status,
    variants: out,
    name: row.original_name,
    created_at: row.created_at,
  }
}
