import { Elysia } from 'elysia'
import { cors } from '@elysiajs/cors'
import type { Deps } from './platform/deps'
import { errorHandler } from './platform/http/error-handler'
import { requestPlugin, type RequestPluginOptions } from './platform/http/request-id'
import { openapiPlugin } from './platform/http/openapi'
import { healthRoutes } from './platform/health'
import { wsRoutes } from './platform/ws/routes'
import { asyncapiRoutes } from './platform/ws/asyncapi'
import { apiIndexRoutes } from './platform/http/api-index'
import { devHomePage, devPages } from './platform/http/dev-pages'
import type { TopicServer } from './platform/ws/hub'
import { MAX_BACKLOG_BYTES, MAX_FRAME_BYTES } from './platform/ws/hub'
import { tokenDepsOf } from './platform/http/auth'
import { admin } from './admin'
import { accounts } from './accounts'
import { forgetUserProfile } from './accounts/public'
import { courses } from './courses'
import { commerce } from './commerce'
import { files } from './files'
import { assertUsableFile } from './files/public'
import { messaging } from './messaging'
import { gamification } from './gamification'
import { ai } from './ai'
import pkg from '../package.json'

const API_TAGS = [
  { name: 'auth', description: 'Registration, login, tokens, MFA and OAuth' },
  { name: 'me', description: 'The signed-in user' },
  { name: 'courses', description: 'Catalog, lessons, enrollment, progress, quizzes, certificates' },
  { name: 'commerce', description: 'Products, cart, orders and payments' },
  { name: 'messaging', description: 'Conversations and messages' },
  { name: 'files', description: 'Uploads and image variants' },
  { name: 'ai', description: 'AI mentor, scenarios and gamification' },
  { name: 'admin', description: 'Administration' },
  { name: 'realtime', description: 'WebSocket tickets and the socket' },
  { name: 'operations', description: 'Health and metrics' },
]

/** The whole HTTP + WebSocket application: platform plugins, then every domain under /api/v1. */
export function createApp(deps: Deps) {
  const { config } = deps
  // The client IP comes from the listening server, which exists once `app` listens.
  const server: RequestPluginOptions['server'] = () => app.server
  const app = new Elysia({
    // Responses are JSON: Dates serialise to ISO-8601 by themselves, so the generic TypeBox
    // Encode pass over every response (t.Date is a Transform) is pure overhead. Responses are
    // still checked against their schemas and cleaned of undeclared fields.
    encodeSchema: false,
    serve: { maxRequestBodySize: Math.max(config.UPLOAD_MAX_BYTES, config.BODY_MAX_BYTES) + 1024 * 1024 },
    // SPEC §12 WebSocket bounds: Bun refuses a bigger frame before it is parsed (close 1009); the
    // backlog limit is enforced by the hub (close 1013), Bun's own limit only backs it up.
    // Bun's own backlog limit sits above ours: a topic publish (local fan-out) cannot tell which
    // socket dropped a frame, so the hub closes a socket over MAX_BACKLOG_BYTES with 1013 first.
    websocket: { maxPayloadLength: MAX_FRAME_BYTES, backpressureLimit: 2 * MAX_BACKLOG_BYTES, closeOnBackpressureLimit: false, idleTimeout: 60, sendPings: true },
  })
    .use(errorHandler(deps.log))
    .use(
      requestPlugin({
        log: deps.log,
        server,
        metrics: deps.metrics,
        trustProxy: config.TRUST_PROXY,
        bodyLimits: [{ prefix: '/api/v1/files', bytes: config.UPLOAD_MAX_BYTES + 64 * 1024 }],
        defaultLimit: config.BODY_MAX_BYTES,
      }),
    )
    // CORS only when origins are configured: without it browsers on other origins are refused anyway.
    // `*` means any origin but never with credentials (SPEC §12): a reflected origin with credentials would trust every site.
    .use(config.corsOrigins.length ? cors({ origin: config.corsOrigins.includes('*') ? '*' : config.corsOrigins, credentials: !config.corsOrigins.includes('*'), exposeHeaders: ['X-Request-Id', 'Retry-After'] }) : new Elysia({ name: 'platform.no-cors' }))
    .use(openapiPlugin({ version: pkg.version, tags: API_TAGS, serverUrl: config.PUBLIC_URL }))
    .use(healthRoutes({ sql: deps.sql, redis: deps.redis, metrics: deps.metrics, metricsToken: config.METRICS_TOKEN, metricsPublic: config.METRICS_PUBLIC }))
    .use(wsRoutes({ ...tokenDepsOf(deps), hub: deps.hub, log: deps.log, metrics: deps.metrics, maxSocketsPerUser: config.WS_MAX_SOCKETS_PER_USER, server: (): TopicServer | undefined => app.server ?? undefined }))
    .use(apiIndexRoutes({ version: pkg.version, htmlHome: config.NODE_ENV === 'development' ? devHomePage() : undefined }))
    // Only `bun run dev` serves the pages behind the links in emails (a real app serves its own at APP_URL).
    .use(config.NODE_ENV === 'development' ? devPages() : new Elysia({ name: 'platform.no-dev-pages' }))
    .use(asyncapiRoutes({ version: pkg.version, serverUrl: config.PUBLIC_URL, hub: deps.hub }))
    .group('/api/v1', (api) => api.use(accounts(deps, { checkAvatar: (userId, fileId) => assertUsableFile(deps.sql, { fileId, ownerId: userId, purpose: 'avatar' }) })).use(admin(deps)).use(courses(deps)).use(commerce(deps)).use(files(deps, { onDeleted: (file) => forgetUserProfile(file.ownerId) })).use(messaging(deps)).use(gamification(deps)).use(ai(deps)))
  return app
}
export type App = ReturnType<typeof createApp>
