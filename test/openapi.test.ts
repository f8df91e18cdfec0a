/**
 * The public contract, checked from the outside: every route SPEC.md names exists in the
 * OpenAPI document, with a summary and documented responses (parameter names are compared
 * by position only).
 */
import { expect, test } from 'bun:test'
import { call } from './helpers/app'

const SPEC_ROUTES = `
POST /auth/register; POST /auth/verify-email; POST /auth/resend-verification; POST /auth/login; POST /auth/mfa/verify
POST /auth/refresh; POST /auth/logout; POST /auth/logout-all; POST /auth/password/forgot; POST /auth/password/reset
POST /auth/password/change; POST /auth/mfa/email/enable; POST /auth/mfa/email/confirm; POST /auth/mfa/totp/setup
POST /auth/mfa/totp/confirm; POST /auth/mfa/disable; GET /auth/oauth/:provider; GET /auth/oauth/:provider/callback
POST /auth/oauth/exchange; GET /me; PATCH /me; GET /me/sessions; DELETE /me/sessions/:id; GET /admin/users; PATCH /admin/users/:id
POST /courses; GET /courses; GET /courses/:id; PATCH /courses/:id; POST /courses/:id/publish; POST /courses/:id/archive
POST /courses/:id/lessons; PATCH /lessons/:id; DELETE /lessons/:id; POST /courses/:id/lessons/reorder; GET /lessons/:id
POST /courses/:id/enroll; GET /me/enrollments; GET /enrollments/:id; PUT /lessons/:id/progress; POST /lessons/:id/complete
GET /courses/:id/students; GET /courses/:id/stats; PUT /lessons/:id/quiz; POST /quizzes/:id/attempts; GET /attempts/:id
GET /quizzes/:id/attempts; PUT /attempts/:id/answers; POST /attempts/:id/submit; POST /attempts/:id/review
GET /me/certificates; GET /certificates/:id/pdf; GET /certificates/verify/:number; POST /admin/enrollments/:id/certificate
POST /admin/products; PATCH /admin/products/:id; DELETE /admin/products/:id; GET /products; GET /products/:id
GET /cart; POST /cart/items; PATCH /cart/items/:id; DELETE /cart/items/:id; POST /cart/merge; POST /orders; GET /orders
GET /orders/:id; POST /orders/:id/cancel; POST /payments/course-intent; POST /webhooks/stripe; GET /admin/orders
PATCH /admin/orders/:id; POST /admin/orders/:id/refund
POST /conversations; GET /conversations; GET /conversations/:id; POST /conversations/:id/participants
DELETE /conversations/:id/participants/:user_id; POST /conversations/:id/messages; PATCH /conversations/:id/messages/:mid
DELETE /conversations/:id/messages/:mid; GET /conversations/:id/messages; POST /conversations/:id/read; POST /ws/ticket
POST /ai/chat; GET /ai/conversations; GET /ai/conversations/:id/messages; GET /me/insights; POST /scenarios
PATCH /scenarios/:id; GET /scenarios; GET /scenarios/:id; POST /scenarios/:id/sessions; POST /scenario-sessions/:id/messages
POST /scenario-sessions/:id/resolve; GET /me/progress; GET /leaderboard
POST /files; GET /files/:id; GET /files/:id/content; DELETE /files/:id
GET /admin/stats; GET /admin/jobs; POST /admin/jobs/:queue/:id/retry`
  .split(/[;\n]/).map((s) => s.trim()).filter(Boolean)

const ROOT_ROUTES = ['GET /health/live', 'GET /health/ready', 'GET /metrics']
const shape = (path: string) => path.replace(/\/+$/, '').replace(/(:[A-Za-z_]+|\{[A-Za-z_]+\})/g, '{}')

test('every SPEC route is in the OpenAPI document with a summary and response schemas', async () => {
  const doc = await call('GET', '/swagger/json')
  expect(doc.status).toBe(200)
  const operations = new Map<string, { summary?: string; responses?: Record<string, unknown> }>()
  for (const [path, item] of Object.entries(doc.body.paths as Record<string, Record<string, any>>)) {
    for (const [method, op] of Object.entries(item)) operations.set(`${method.toUpperCase()} ${shape(path)}`, op)
  }
  const wanted = [...SPEC_ROUTES.map((r) => r.replace(' /', ' /api/v1/')), ...ROOT_ROUTES].map((r) => { const [m, p] = r.split(' '); return `${m} ${shape(p!)}` })
  expect(wanted.filter((w) => !operations.has(w))).toEqual([])
  expect(wanted.filter((w) => !operations.get(w)?.summary)).toEqual([])
  // Every documented operation under /api/v1 names at least one response.
  const undocumented = [...operations].filter(([k, op]) => k.includes('/api/v1/') && Object.keys(op.responses ?? {}).length === 0).map(([k]) => k)
  expect(undocumented).toEqual([])
})

// ---- SPEC §15: the document validates, lints clean, and every body and answer has an example.
import SwaggerParser from '@apidevtools/swagger-parser'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']
type Op = { key: string; op: Record<string, any> }
function operationsOf(doc: any): Op[] {
  const out: Op[] = []
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
    for (const m of METHODS) if (item[m]) out.push({ key: `${m.toUpperCase()} ${path}`, op: item[m] })
  }
  return out
}

test('the OpenAPI document validates with @apidevtools/swagger-parser', async () => {
  const doc = (await call('GET', '/swagger/json')).body
  // validate() dereferences in place: give it a copy.
  await SwaggerParser.validate(structuredClone(doc))
})

test('redocly lint (recommended rules) reports no errors and no example that breaks its schema', async () => {
  const doc = (await call('GET', '/swagger/json')).body
  const dir = mkdtempSync(join(tmpdir(), 'lyceum-openapi-'))
  try {
    const file = join(dir, 'openapi.json')
    writeFileSync(file, JSON.stringify(doc))
    const cli = Bun.resolveSync('@redocly/cli/bin/cli.js', import.meta.dir)
    const proc = Bun.spawn(['bun', cli, 'lint', file, '--format=json', '--max-problems=10000'], {
      cwd: dir,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const [out] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
    const report = JSON.parse(out) as { totals: { errors: number }; problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[] }
    const bad = report.problems
      .filter((p) => p.severity === 'error' || p.ruleId === 'no-invalid-media-type-examples')
      .map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`)
    expect(bad).toEqual([])
    expect(report.totals.errors).toBe(0)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}, 60000)

test('every JSON request body and every 2xx JSON response has an example', async () => {
  const doc = (await call('GET', '/swagger/json')).body
  const missing: string[] = []
  let checked = 0
  for (const { key, op } of operationsOf(doc)) {
    const body = op.requestBody?.content?.['application/json']
    if (body) { checked++; if (body.example === undefined) missing.push(`${key} request body`) }
    for (const [status, response] of Object.entries(op.responses ?? {}) as [string, any][]) {
      const media = response.content?.['application/json']
      if (!status.startsWith('2') || !media) continue
      checked++
      if (media.example === undefined) missing.push(`${key} ${status}`)
    }
  }
  expect(missing).toEqual([])
  expect(checked).toBeGreaterThan(120)
})

test('every error response references the one shared Error schema; servers and bearer security are declared', async () => {
  const doc = (await call('GET', '/swagger/json')).body
  expect(doc.servers.length).toBeGreaterThan(0)
  expect(doc.components.schemas.Error.properties.error.required).toEqual(['code', 'message'])
  expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' })
  const inline: string[] = []
  const undeclaredSchemes = new Set<string>()
  let errors = 0
  for (const { key, op } of operationsOf(doc)) {
    for (const [status, response] of Object.entries(op.responses ?? {}) as [string, any][]) {
      if (Number(status) < 400 || !key.includes(' /api/v1/')) continue
      errors++
      const schema = response.content?.['application/json']?.schema
      if (schema?.$ref !== '#/components/schemas/Error') inline.push(`${key} ${status}`)
    }
    expect(Array.isArray(op.security), `${key} declares its security`).toBe(true)
    for (const requirement of op.security) for (const name of Object.keys(requirement)) if (!doc.components.securitySchemes[name]) undeclaredSchemes.add(name)
  }
  expect(inline).toEqual([])
  expect([...undeclaredSchemes]).toEqual([])
  expect(errors).toBeGreaterThan(300)
  // Public and authenticated routes are told apart.
  expect(doc.paths['/api/v1/auth/login'].post.security).toEqual([])
  expect(doc.paths['/api/v1/me'].get.security).toEqual([{ bearerAuth: [] }])
  // No-body answers have no content; binary answers name their media type.
  expect(doc.paths['/api/v1/auth/logout'].post.responses['204'].content).toBeUndefined()
  expect(Object.keys(doc.paths['/api/v1/certificates/{id}/pdf'].get.responses['200'].content)).toEqual(['application/pdf'])
})

test('GET /api/v1 is the API index and GET / answers it too', async () => {
  const index = await call('GET', '/api/v1')
  expect(index.status).toBe(200)
  expect(index.body).toEqual({ name: 'Lyceum API', version: expect.any(String), docs: '/swagger', openapi: '/swagger/json', asyncapi: '/asyncapi.json' })
  for (const link of [index.body.docs, index.body.openapi, index.body.asyncapi]) expect((await call('GET', link)).status).toBe(200)
  const root = await call('GET', '/')
  expect(root.status).toBe(200)
  expect(root.body.api).toBe('/api/v1')
})
