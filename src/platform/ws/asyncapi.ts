/**
 * The AsyncAPI 3 document of the WebSocket protocol at /asyncapi.json, built from the very
 * schemas the server uses: the client frames the hub validates (`hub.clientFrames()`) and the
 * typed server frames of `events.ts`. The document describes the server: it `receive`s
 * client frames and `send`s server frames over one channel, the socket at /api/v1/ws.
 */
import { Elysia } from 'elysia'
import type { TSchema } from '@sinclair/typebox'
import { ServerFrames } from './events'
import { normaliseSchema } from '../http/openapi-document'

type Json = Record<string, any>
type Direction = 'client' | 'server'

/**
 * A TypeBox schema as plain JSON Schema (TypeBox keeps its own bookkeeping in symbol keys),
 * with Elysia's leniencies (numeric strings for integers) left out as in the OpenAPI document.
 */
const plain = (schema: TSchema): Json => normaliseSchema(JSON.parse(JSON.stringify(schema))) as Json

function frameMessage(direction: Direction, type: string, schema: TSchema): Json {
  const data = plain(schema)
  const optional = direction === 'client' && type === 'ping'
  const example = Array.isArray(data.examples) ? data.examples[0] : undefined
  return {
    name: type,
    title: `${type} (${direction === 'client' ? 'client → server' : 'server → client'})`,
    summary: data.description ?? type,
    contentType: 'application/json',
    payload: {
      type: 'object',
      required: optional ? ['type'] : ['type', 'data'],
      properties: { type: { type: 'string', const: type }, data },
    },
    ...(example !== undefined ? { examples: [{ name: type, payload: { type, data: example } }] } : {}),
  }
}

const DESCRIPTION = [
  'One WebSocket per device at `/api/v1/ws`. Authenticate with `Authorization: Bearer <access_token>`, or from browsers with `?ticket=`',
  '(single use, 30 s, from `POST /api/v1/ws/ticket`) or `?token=`; bad credentials answer HTTP 401 before the upgrade.',
  'Frames are JSON `{type, data}`, at most 64 KiB, about 20 per second per socket (bursts of 60).',
  'The server sends `hello` first, then the pending messages of this user (ack each one you store).',
  'Reconnect with jittered backoff, then `resume` from the highest `seq` you hold per conversation; dedupe frames by message `id`.',
  'Close codes: 4401 the session was revoked (sign in again); 1001 the server is shutting down (reconnect).',
].join(' ')

/** Builds the document from the hub's client frames and the server frame map. */
export function asyncapiDocument(opts: { version: string; serverUrl: string; clientFrames: Record<string, TSchema> }): Json {
  const url = new URL(opts.serverUrl)
  const messages: Json = {}
  const operations: Json = {}
  const add = (direction: Direction, type: string, schema: TSchema) => {
    const key = `${direction}_${type}`
    messages[key] = frameMessage(direction, type, schema)
    operations[`${direction === 'client' ? 'receive' : 'send'}_${type}`] = {
      action: direction === 'client' ? 'receive' : 'send',
      channel: { $ref: '#/channels/socket' },
      summary: messages[key].summary,
      messages: [{ $ref: `#/channels/socket/messages/${key}` }],
    }
  }
  for (const [type, schema] of Object.entries(opts.clientFrames).sort(([a], [b]) => a.localeCompare(b))) add('client', type, schema)
  for (const [type, schema] of Object.entries(ServerFrames)) add('server', type, schema as TSchema)
  return {
    asyncapi: '3.1.0',
    info: { title: 'Lyceum real-time protocol', version: opts.version, description: DESCRIPTION },
    defaultContentType: 'application/json',
    servers: {
      lyceum: {
        host: url.host,
        protocol: url.protocol === 'https:' ? 'wss' : 'ws',
        description: 'This deployment (PUBLIC_URL)',
        security: [{ $ref: '#/components/securitySchemes/bearer' }, { $ref: '#/components/securitySchemes/ticket' }, { $ref: '#/components/securitySchemes/token' }],
      },
    },
    channels: {
      socket: {
        address: '/api/v1/ws',
        title: 'The WebSocket',
        messages: Object.fromEntries(Object.keys(messages).map((key) => [key, { $ref: `#/components/messages/${key}` }])),
      },
    },
    operations,
    components: {
      messages,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token in the Authorization header' },
        ticket: { type: 'httpApiKey', name: 'ticket', in: 'query', description: 'Single-use ticket from POST /api/v1/ws/ticket (browsers)' },
        token: { type: 'httpApiKey', name: 'token', in: 'query', description: 'An access token in the query (prefer a ticket)' },
      },
    },
  }
}

/** GET /asyncapi.json, built on first request (every domain has registered its frames by then). */
export function asyncapiRoutes(opts: { version: string; serverUrl: string; hub: { clientFrames(): Record<string, TSchema> } }) {
  let body: string | undefined
  return new Elysia({ name: 'platform.asyncapi' }).get(
    '/asyncapi.json',
    () => {
      body ??= JSON.stringify(asyncapiDocument({ version: opts.version, serverUrl: opts.serverUrl, clientFrames: opts.hub.clientFrames() }))
      return new Response(body, { headers: { 'content-type': 'application/json' } })
    },
    { detail: { hide: true } },
  )
}
