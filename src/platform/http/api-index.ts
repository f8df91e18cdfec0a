import { Elysia, t } from 'elysia'

const ApiIndex = t.Object(
  {
    name: t.String(),
    version: t.String(),
    docs: t.String({ description: 'Swagger UI' }),
    openapi: t.String({ description: 'The OpenAPI 3.1 document of the REST API' }),
    asyncapi: t.String({ description: 'The AsyncAPI 3 document of the WebSocket protocol' }),
  },
  { title: 'ApiIndex', examples: [{ name: 'Lyceum API', version: '0.1.0', docs: '/swagger', openapi: '/swagger/json', asyncapi: '/asyncapi.json' }] },
)

/**
 * `GET /api/v1`: where the documents are (SPEC §15). `GET /` answers the same, so the bare
 * origin a newcomer opens is never a dead end.
 */
export function apiIndexRoutes(opts: { version: string; htmlHome?: string }) {
  const index = { name: 'Lyceum API', version: opts.version, docs: '/swagger', openapi: '/swagger/json', asyncapi: '/asyncapi.json' }
  return new Elysia({ name: 'platform.api-index', tags: ['operations'] })
    .get('/api/v1', () => index, { detail: { summary: 'The API index: links to the OpenAPI and AsyncAPI documents and Swagger UI' }, response: { 200: ApiIndex } })
    .get(
      '/',
      ({ request }) => {
        // A browser in development gets a page of links; everything else the JSON index.
        if (opts.htmlHome && request.headers.get('accept')?.includes('text/html')) return new Response(opts.htmlHome, { headers: { 'content-type': 'text/html; charset=utf-8' } })
        return { ...index, api: '/api/v1' }
      },
      { detail: { hide: true } },
    )
}
