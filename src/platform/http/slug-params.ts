import { t } from 'elysia'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
const NO_SUCH_ID = '00000000-0000-0000-0000-000000000000'

/**
 * A route `transform` hook (it runs before validation) that lets `:id` name a resource by its
 * slug too (SPEC §15): a slug becomes the id it belongs to. An unknown slug becomes an id that
 * matches nothing, so the route answers exactly as for an unknown id (auth first, then 404) and
 * never tells a stranger which slugs exist. Anything else is left alone: the route's own
 * validation still answers 422 for garbage.
 */
export function idFromSlug(lookup: (slug: string) => Promise<string | null | undefined>) {
  return async ({ params }: { params: Record<string, string> }) => {
    const ref = params.id
    if (!ref || UUID.test(ref) || ref.length > 200 || !SLUG.test(ref)) return
    const id = await lookup(ref)
    params.id = id ?? NO_SUCH_ID
  }
}

/**
 * Path params of a route whose `:id` takes an id or a slug: documents both forms. (After the
 * `idFromSlug` transform the value is an id; anything that is neither still fails with 422.)
 */
export const idOrSlugParams = (what: string) =>
  t.Object({ id: t.Union([t.String({ format: 'uuid' }), t.String({ pattern: SLUG.source, maxLength: 200 })], { description: `The ${what}'s id or slug` }) })
