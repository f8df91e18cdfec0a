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
