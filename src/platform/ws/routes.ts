import { Elysia, t } from 'elysia'
import type { Keyspace, Redis } from '../redis'
import type { Logger } from '../log'
import type { Metrics } from '../metrics'
import { authenticate, bearerToken, type TokenDeps } from '../http/auth'
import { errorResponses, httpErrors } from '../http/errors'
import type { Conn, Hub, TopicServer } from './hub'
import { connFromSocket } from './socket'
import { createSocketSlots } from './slots'

const TICKET_TTL = 30

type WsDeps = TokenDeps & {
  hub: Hub
  redis: Redis
  keys: Keyspace
  log: Logger
  metrics: Metrics
  maxSocketsPerUser: number
  /** The listening Bun server, whose topics carry local fan-out. */
  server?: () => TopicServer | null | undefined
}

/** Resolves the caller of a WebSocket upgrade: Bearer header, `?ticket=` (single use) or `?token=`. */
async function authenticateUpgrade(deps: WsDeps, request: Request, query: Record<string, string | undefined>) {
  let token = bearerToken(request.headers.get('authorization')) ?? query.token
  if (!token && query.ticket) {
    token = (await deps.redis.getDel(deps.keys('ws-ticket', query.ticket))) ?? undefined
    if (!token) throw httpErrors.unauthorized('Unknown or used ticket')
  }
  if (!token) throw httpErrors.unauthorized()
  return authenticate(deps, token)
}

/** `GET /api/v1/ws` (the socket) and `POST /api/v1/ws/ticket` (a 30 s single-use ticket for browsers). */
export function wsRoutes(deps: WsDeps) {
  const conns = new WeakMap<object, Conn & { drained(): void }>()
  const slots = createSocketSlots({ redis: deps.redis, keys: deps.keys, log: deps.log, limit: deps.maxSocketsPerUser })
  return new Elysia({ prefix: '/api/v1/ws', tags: ['realtime'] })
    .post(
      '/ticket',
      async ({ request }) => {
        const token = bearerToken(request.headers.get('authorization'))
        if (!token) throw httpErrors.unauthorized()
        await authenticate(deps, token)
        const ticket = Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('base64url')
        await deps.redis.set(deps.keys('ws-ticket', ticket), token, { EX: TICKET_TTL })
        return { ticket, expires_in: TICKET_TTL }
      },
      {
        detail: { summary: 'Get a single-use WebSocket ticket (valid 30 s) for browsers', security: [{ bearerAuth: [] }] },
        response: { 200: t.Object({ ticket: t.String(), expires_in: t.Integer() }, { examples: [{ ticket: 'Q2h4bVd0a1pYcDBZbVV5TVRJek5EVTJOemc', expires_in: 30 }] }), ...errorResponses(401) },
      },
    )
    // Applies to the socket below only (hooks cover routes registered after them). Hooks read
    // `request.headers` rather than `headers`: Elysia infers its context from every hook of the
    // app, and a hook naming `headers` makes every route copy all request headers into an object.
    .resolve(async ({ request, query }) => {
      const wsAuth = await authenticateUpgrade(deps, request, query)
      // WS_MAX_SOCKETS_PER_USER, counted across replicas: refused before the upgrade.
      const wsSlot = crypto.randomUUID()
      if (request.headers.get('upgrade')?.toLowerCase() === 'websocket') {
        const slot = await slots.take(wsAuth.userId, wsSlot)
        if (!slot.ok) {
          deps.metrics.rateLimited.inc({ limit: 'ws_sockets_per_user' })
          throw httpErrors.rateLimited(slot.retryAfterSeconds)
        }
      }
      return { wsAuth, wsSlot }
    })
    .ws('/', {
      // OpenAPI has no WebSocket method: the upgrade is documented as GET in openapi.ts.
      detail: { hide: true },
      async open(ws) {
        const auth = ws.data.wsAuth
        // The connection id is the slot id: the slot lives as long as the socket.
        const conn = connFromSocket(ws.raw as never, ws.data.wsSlot, auth)
        conns.set(ws.raw, conn)
        slots.hold(auth.userId, conn.id)
        deps.hub.useServer(deps.server?.())
        await deps.hub.attach(conn)
      },
      async message(ws, message) {
        const conn = conns.get(ws.raw)
        if (conn) await deps.hub.receive(conn, message)
      },
      drain(ws) {
        conns.get(ws.raw)?.drained()
      },
      async close(ws, code, reason) {
        // Bun reports an oversized frame as 1006 with this reason (the client gets 1009).
        if (code === 1013) deps.metrics.rateLimited.inc({ limit: 'ws_backlog' })
        else if (code === 1009 || reason === 'Received too big message') deps.metrics.rateLimited.inc({ limit: 'ws_frame_size' })
        const conn = conns.get(ws.raw)
        if (!conn) return
        conn.drained()
        await slots.release(conn.userId, conn.id)
        await deps.hub.detach(conn)
      },
    })
}
