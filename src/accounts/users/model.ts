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
  {
    title: 'User',
    examples: [{
      id: '0b7c6a52-3f1e-4b8a-9c2d-5e6f7a8b9c0d', email: 'student@lyceum.local', display_name: 'Zoë Student', role: 'student', status: 'active',
      locale: 'en', email_verified: true, mfa_enabled: false, avatar_url: null, created_at: '2026-01-15T09:30:00.000Z',
    }],
  },
)
export type User = typeof User.static

export const UserEnvelope = t.Object({ user: User })
