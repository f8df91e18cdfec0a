/** File purposes and the stable URLs of stored files (re-exported by public.ts). */
export const FILE_PURPOSES = ['avatar', 'course_cover', 'product_image', 'attachment'] as const
export type FilePurpose = (typeof FILE_PURPOSES)[number]

/** Purposes whose files anyone may read without a token. */
export const PUBLIC_PURPOSES: readonly FilePurpose[] = ['avatar', 'course_cover', 'product_image']

export const VARIANT_NAMES = ['thumb', 'medium', 'large'] as const
export type VariantName = (typeof VARIANT_NAMES)[number]

/** The stable API URL of a stored file (same as accounts' `fileContentUrl`). */
export const fileUrl = (fileId: string) => `/api/v1/files/${fileId}/content`

/** The stable API URL of one image variant. */
export const fileVariantUrl = (fileId: string, variant: string) => `${fileUrl(fileId)}?variant=${variant}`
