import { t } from 'elysia'

export const RoleSchema = t.Union([t.Literal('student'), t.Literal('instructor'), t.Literal('admin')])
export const StatusSchema = t.Union([t.Literal('active'), t.Literal('suspended')])

/** The signed-in user's own view (and the admin view). Never a hash or a secret. */
export const User = t.Object(
  {
    id: t.String({ format: 'uuid' }),
    email: t.String(),
    display_name: t.String(),
    role: RoleSchema,
    status: StatusSchema,
    locale: t.String(),
    email_verified: t.Boolean(),
    mfa_enabled: t.Boolean(),
    avatar_url: t.Nullable(t.String()),
    created_at: t.Date(),
  },
  { title: 'User' },
)
export type User = typeof User.static

export const UserEnvelope = t.Object({ user: User })
