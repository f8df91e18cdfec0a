import sharp, { type OutputInfo, type Sharp } from 'sharp'
import type { VariantName } from '../urls'

/** Variant widths in px (SPEC §8); smaller originals are never upscaled. */
export const VARIANT_WIDTHS: Record<VariantName, number> = { thumb: 160, medium: 640, large: 1280 }

/** Decompression-bomb guard: refuse images with more pixels than this (e.g. 10000×5000). */
export const MAX_INPUT_PIXELS = 50_000_000

export type Rendered = { name: VariantName; data: Buffer; width: number; height: number }

/** Thrown when the bytes are not a decodable image (or exceed the pixel limit): retrying cannot help. */
export class UndecodableImageError extends Error {}

/**
 * Renders the WebP variants of an image: EXIF orientation applied, metadata stripped
 * (sharp drops it unless asked to keep it), width-bounded without enlargement. The input is
 * decoded and oriented once into raw pixels scaled to the largest variant, and every variant
 * is made from those pixels.
 */
export async function renderVariants(input: Uint8Array): Promise<Rendered[]> {
  let raw: { data: Buffer; info: OutputInfo }
  try {
    raw = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, autoOrient: true, failOn: 'error' })
      .resize({ width: VARIANT_WIDTHS.large, withoutEnlargement: true })
      .raw()
      .toBuffer({ resolveWithObject: true })
  } catch (err) {
    throw new UndecodableImageError(`cannot decode image: ${(err as Error).message}`)
  }
  const { width, height, channels } = raw.info
  const source = () => sharp(raw.data, { raw: { width, height, channels } })
  return Promise.all(
    (Object.entries(VARIANT_WIDTHS) as [VariantName, number][]).map(async ([name, w]) => {
      const out = await source()
        .resize({ width: w, withoutEnlargement: true })
        .webp({ quality: 80, effort: 2 })
        .toBuffer({ resolveWithObject: true })
      return { name, data: out.data, width: out.info.width, height: out.info.height }
    }),
  )
}

/** Output settings per stored content type: the original keeps its format. */
const REENCODE: Record<string, (img: Sharp) => Sharp> = {
  'image/jpeg': (img) => img.jpeg({ quality: 90, chromaSubsampling: '4:4:4' }),
  'image/png': (img) => img.png(),
  'image/webp': (img) => img.webp({ quality: 90 }),
  'image/gif': (img) => img.gif(),
}

/**
 * The original re-encoded in its own format with no metadata at all (EXIF with GPS, XMP, IPTC,
 * comments) — sharp writes none unless asked — and its EXIF orientation applied to the pixels,
 * so it still displays upright. The colour profile is kept (it says nothing about the person).
 * Animated GIF/WebP keep their frames.
 */
export async function stripImageMetadata(input: Uint8Array, contentType: string): Promise<Buffer> {
  const encode = REENCODE[contentType]
  if (!encode) throw new UndecodableImageError(`no encoder for ${contentType}`)
  const animated = contentType === 'image/gif' || contentType === 'image/webp'
  try {
    return await encode(sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, autoOrient: !animated, animated, failOn: 'error' }).keepIccProfile()).toBuffer()
  } catch (err) {
    throw new UndecodableImageError(`cannot re-encode image: ${(err as Error).message}`)
  }
}
