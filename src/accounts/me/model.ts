import { t } from 'elysia'

export const PatchMeBody = t.Object({
  display_name: t.Optional(t.String({ minLength: 1, maxLength: 100, pattern: '\\S' })),
  avatar_file_id: t.Optional(t.Nullable(t.String({ format: 'uuid', description: 'An image file you uploaded; null removes the avatar' }))),
  locale: t.Optional(t.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$', maxLength: 16, examples: ['en', 'pt-BR'] })),
}, { examples: [{ display_name: 'Zoë S.', locale: 'pt-BR' }] })

export const Session = t.Object(
  {
    id: t.String({ format: 'uuid' }),
    device: t.Nullable(t.String({ description: 'User-Agent of the client that opened the session' })),
    ip: t.Nullable(t.String()),
    created_at: t.Date(),
    last_used_at: t.Date(),
    current: t.Boolean({ description: 'The session of the token making this request' }),
  },
  { title: 'Session', examples: [{ id: '4fb0ae96-7d5c-4fce-9a6b-9c0d1e2f3a4b', device: 'Mozilla/5.0 (X11; Linux x86_64)', ip: '203.0.113.7', created_at: '2026-01-15T09:30:00.000Z', last_used_at: '2026-01-15T10:02:11.000Z', current: true }] },
)
export const SessionList = t.Object({ items: t.Array(Session), next_cursor: t.Nullable(t.String()) })
export const ListQuery = t.Object({
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: t.Optional(t.String({ maxLength: 512 })),
})
