import { t } from 'elysia'
import { RoleSchema, StatusSchema, User } from '../users/model'

export const AdminUsersQuery = t.Object({
  search: t.Optional(t.String({ maxLength: 200, description: 'Part of the email or display name (case-insensitive)' })),
  role: t.Optional(RoleSchema),
  status: t.Optional(StatusSchema),
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: t.Optional(t.String({ maxLength: 512 })),
})
export const AdminUserList = t.Object({ items: t.Array(User), next_cursor: t.Nullable(t.String()) })
export const AdminUserPatch = t.Object({ role: t.Optional(RoleSchema), status: t.Optional(StatusSchema) }, { examples: [{ role: 'instructor' }] })
