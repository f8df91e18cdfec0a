/**
 * The framework floor for bench/http.ts: the smallest Elysia app that does what SPEC §2 asks of
 * every response — X-Request-Id taken from the request or generated, and the security headers —
 * answering GET $BENCH_PATH with $BENCH_BODY on $PORT. No database, no metrics, no auth: what is
 * left between it and a bare Bun.serve is Elysia plus the request-header read SPEC requires.
 */
import { Elysia } from 'elysia'

const body = process.env.BENCH_BODY ?? '{"status":"ok"}'
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/

new Elysia()
  .onRequest(({ request, set }) => {
    const given = request.headers.get('x-request-id')
    const h = set.headers
    h['x-request-id'] = given && SAFE_ID.test(given) ? given : crypto.randomUUID()
    h['x-content-type-options'] = 'nosniff'
    h['x-frame-options'] = 'DENY'
    h['referrer-policy'] = 'no-referrer'
  })
  .get(process.env.BENCH_PATH ?? '/', ({ set }) => {
    const headers = set.headers as Record<string, string>
    headers['content-type'] = 'application/json; charset=utf-8'
    set.headers = {}
    return new Response(body, { headers })
  })
  .listen({ port: Number(process.env.PORT), hostname: '127.0.0.1' })
