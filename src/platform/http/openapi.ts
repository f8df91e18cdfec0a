import { Elysia } from 'elysia'
import { toOpenAPISchema } from '@elysiajs/openapi'
import { finishDocument } from './openapi-document'
import { ErrorBody } from './errors'
import { FormatRegistry } from '@sinclair/typebox'
import { dirname, join } from 'node:path'

// Importing @elysiajs/openapi replaces TypeBox's global string formats with checks that build a
// new Zod schema on every call (~40 µs per `format: 'uuid'` value: route params, every id in
// every response). Same rules (the plugin's own Zod patterns), compiled once: ~0.1 µs.
const ZOD_FORMATS: Record<string, RegExp> = {
  uuid: /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/,
  email: /^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/,
  date: /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))$/,
}
for (const [name, re] of Object.entries(ZOD_FORMATS)) FormatRegistry.Set(name, (value) => re.test(value))

const ASSETS_DIR = dirname(Bun.resolveSync('swagger-ui-dist/package.json', import.meta.dir))
const ASSETS = new Set(['swagger-ui-bundle.js', 'swagger-ui.css', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png', 'favicon-16x16.png'])

const WS_OPERATION: Record<string, unknown> = {
  tags: ['realtime'],
  operationId: 'openWebSocket',
  summary: 'Open the real-time WebSocket (JSON frames {type, data}; the frames are in /asyncapi.json)',
  description:
    'Authenticate with `Authorization: Bearer <access_token>`, or from browsers with `?ticket=` (single use, 30 s, from POST /api/v1/ws/ticket) or `?token=`. ' +
    'The server sends `hello {user_id, connection_id, online_user_ids}` first. Client frames: ping, ack, read, typing, typing_stop, resume. ' +
    'Server frames: pong, message, message_updated, delivery_ack, read_receipt, typing, typing_stop, presence, resumed, notification, error. ' +
    'Every frame with its schema is in the AsyncAPI document at /asyncapi.json. ' +
    'Sockets of a revoked session, or of a user whose role changed or who was suspended, are closed with code 4401; on shutdown with 1001; a frame over 64 KiB closes the socket with 1009, an unsent backlog over 1 MiB with 1013. ' +
    'At most WS_MAX_SOCKETS_PER_USER (default 10) sockets per user across replicas. See docs/websocket.md.',
  security: [{ bearerAuth: [] }],
  parameters: [
    { name: 'ticket', in: 'query', required: false, schema: { type: 'string' }, description: 'Single-use ticket from POST /api/v1/ws/ticket' },
    { name: 'token', in: 'query', required: false, schema: { type: 'string' }, description: 'An access token (prefer a ticket in browsers)' },
  ],
  responses: {
    '101': { description: 'Switching Protocols: the socket is open' },
    '401': { description: 'Missing, invalid, expired or revoked credentials (before the upgrade)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    '429': { description: 'rate_limited: the user holds WS_MAX_SOCKETS_PER_USER sockets already (before the upgrade; see Retry-After)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  },
}

export type OpenApiOptions = { version: string; tags: { name: string; description: string }[]; serverUrl: string }

/** The Swagger UI page: script and CSS from the installed swagger-ui-dist (works offline). */
function swaggerPage(title: string) {
  const options = { url: '/swagger/json', dom_id: '#swagger-ui', persistAuthorization: true, deepLinking: true, displayRequestDuration: true }
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<link rel="stylesheet" href="/swagger/assets/swagger-ui.css"><link rel="icon" href="/swagger/assets/favicon-32x32.png"></head>
<body><div id="swagger-ui"></div>
<script src="/swagger/assets/swagger-ui-bundle.js"></script>
<script>window.onload = () => { window.ui = SwaggerUIBundle(${JSON.stringify(options)}) }</script>
</body></html>`
}

/**
 * The OpenAPI document at /swagger/json and Swagger UI at /swagger. The document is what
 * `@elysiajs/openapi` generates from every route's TypeBox schemas (read from this plugin's
 * view of the whole app), finished by `finishDocument` so it validates and lints clean.
 */
export function openapiPlugin(opts: OpenApiOptions) {
  const title = 'Lyceum API'
  const plugin = new Elysia({ name: 'platform.openapi' })
  let cached: { routes: number; body: string } | undefined
  const documentText = () => {
    // The plugin instance sees every route of the app it is mounted in (as @elysiajs/openapi's own handler does).
    const routes = (plugin as unknown as { getGlobalRoutes(): unknown[] }).getGlobalRoutes()
    if (cached?.routes === routes.length) return cached.body
    const generated = toOpenAPISchema(plugin as never, { paths: ['/swagger/assets/:file'] }) as { paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } }
    const doc = finishDocument(
      {
        openapi: '3.1.0',
        info: {
          title,
          version: opts.version,
          description:
            'Real-time learning platform: accounts, courses, commerce, messaging, AI mentor. Errors always use `{error: {code, message, details?}}` (schema `Error`). ' +
            'The WebSocket protocol is described in the AsyncAPI document at `/asyncapi.json`.',
        },
        servers: [{ url: opts.serverUrl, description: 'This deployment (PUBLIC_URL)' }],
        tags: opts.tags,
        paths: { ...generated.paths, '/api/v1/ws': { get: structuredClone(WS_OPERATION) } },
        components: {
          securitySchemes: {
            bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from /api/v1/auth/login, /register or /refresh' },
            metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, when the operator set one' },
          },
          schemas: generated.components.schemas,
        },
      },
      structuredClone(ErrorBody) as Record<string, unknown>,
    )
    cached = { routes: routes.length, body: JSON.stringify(doc) }
    return cached.body
  }
  return plugin
    .get(
      '/swagger/assets/:file',
      ({ params, set }) => {
        if (!ASSETS.has(params.file)) {
          set.status = 404
          return { error: { code: 'not_found', message: 'Not found' } }
        }
        set.headers['cache-control'] = 'public, max-age=86400'
        return Bun.file(join(ASSETS_DIR, params.file))
      },
      { detail: { hide: true } },
    )
    .get('/swagger', () => new Response(swaggerPage(title), { headers: { 'content-type': 'text/html; charset=utf-8' } }), { detail: { hide: true } })
    .get('/swagger/json', () => new Response(documentText(), { headers: { 'content-type': 'application/json' } }), { detail: { hide: true } })
}
