import { Elysia } from 'elysia'
import { openapi } from '@elysiajs/openapi'
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

const ERROR_SCHEMA: Record<string, unknown> = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable machine-readable code, e.g. email_taken' },
        message: { type: 'string' },
        details: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
  },
}

const WS_OPERATION: Record<string, unknown> = {
  tags: ['realtime'],
  summary: 'Open the real-time WebSocket (JSON frames {type, data}; see the README)',
  description:
    'Authenticate with `Authorization: Bearer <access_token>`, or from browsers with `?ticket=` (single use, 30 s, from POST /api/v1/ws/ticket) or `?token=`. ' +
    'The server sends `hello {user_id, connection_id, online_user_ids}` first. Client frames: ping, ack, read, typing, typing_stop, resume. ' +
    'Server frames: pong, message, message_updated, delivery_ack, read_receipt, typing, typing_stop, presence, resumed, notification, error. ' +
    'Sockets of a revoked session are closed with code 4401; on shutdown with 1001.',
  security: [{ bearerAuth: [] }],
  parameters: [
    { name: 'ticket', in: 'query', required: false, schema: { type: 'string' }, description: 'Single-use ticket from POST /api/v1/ws/ticket' },
    { name: 'token', in: 'query', required: false, schema: { type: 'string' }, description: 'An access token (prefer a ticket in browsers)' },
  ],
  responses: {
    '101': { description: 'Switching Protocols: the socket is open' },
    '401': { description: 'Missing, invalid, expired or revoked credentials (before the upgrade)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  },
}

/**
 * The OpenAPI document at /swagger/json and Swagger UI at /swagger, whose script and CSS
 * come from the installed swagger-ui-dist through our own route (works offline, no CDN).
 */
export function openapiPlugin(opts: { version: string; tags: { name: string; description: string }[] }) {
  return new Elysia({ name: 'platform.openapi' })
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
    .use(
      openapi({
        path: '/swagger',
        specPath: '/swagger/json',
        provider: 'swagger-ui',
        exclude: { paths: ['/swagger/assets/:file'] },
        swagger: {
          cdn: '/swagger/assets/swagger-ui-bundle.js',
          theme: '/swagger/assets/swagger-ui.css',
          autoDarkMode: false,
          persistAuthorization: true,
        },
        documentation: {
          info: {
            title: 'Lyceum API',
            version: opts.version,
            description: 'Real-time learning platform: accounts, courses, commerce, messaging, AI mentor. Errors always use `{error: {code, message, details?}}`.',
          },
          tags: opts.tags,
          components: {
            securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
            schemas: { Error: ERROR_SCHEMA },
          },
          paths: { '/api/v1/ws': { get: WS_OPERATION } } as never,
        },
      }),
    )
}
