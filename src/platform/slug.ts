/** Options of {@link slugify}: the longest slug, and the one used when nothing is left. */
export type SlugOptions = { maxLength: number; fallback: string }

/**
 * URL-safe slug: accents dropped, Polish ł/Ł (which NFKD does not decompose) mapped to l,
 * then lower-case ASCII letters and digits joined by single hyphens, at most `maxLength`
 * long without a trailing hyphen; `fallback` when the text has no usable character.
 */
export function slugify(text: string, { maxLength, fallback }: SlugOptions): string {
  const s = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/ł/g, 'l').replace(/Ł/g, 'L').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, maxLength).replace(/-+$/, '')
  return s || fallback
}
