import { expect, test } from 'bun:test'
import { call } from '../helpers/app'
import { newUser } from '../helpers/factories'

test('GET /admin/stats counts users by role, enrollments, completions and revenue', async () => {
  const admin = await newUser({ role: 'admin' })
  const before = await call('GET', '/api/v1/admin/stats', { token: admin.token })
  expect(before.status).toBe(200)
  await newUser({ role: 'instructor' })
  await newUser()
  const after = await call('GET', '/api/v1/admin/stats', { token: admin.token })
  expect(after.body.users.total).toBe(before.body.users.total + 2)
  expect(after.body.users.by_role.instructor).toBe(before.body.users.by_role.instructor + 1)
  expect(after.body.users.by_role.student).toBe(before.body.users.by_role.student + 1)
  expect(after.body.enrollments).toMatchObject({ total: expect.any(Number), by_day: expect.any(Array) })
  expect(after.body.completions).toMatchObject({ total: expect.any(Number), by_day: expect.any(Array) })
  expect(after.body.revenue).toBeArray()
})

test('GET /admin/stats is for admins only', async () => {
  const instructor = await newUser({ role: 'instructor' })
  expect((await call('GET', '/api/v1/admin/stats', { token: instructor.token })).status).toBe(403)
  expect((await call('GET', '/api/v1/admin/stats')).status).toBe(401)
})
