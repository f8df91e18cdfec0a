import { t } from 'elysia'

const PublicUser = t.Object({ id: t.String({ format: 'uuid' }), display_name: t.String(), avatar_url: t.Nullable(t.String()) })

export const PutAccommodation = t.Object({
  extra_attempts: t.Integer({ minimum: 0, maximum: 20, description: "Added to the quiz's max_attempts for this learner" }),
  extra_time_seconds: t.Integer({ minimum: 0, maximum: 86400, description: "Added to the quiz's time_limit_seconds for this learner's next attempts" }),
}, { examples: [{ extra_attempts: 1, extra_time_seconds: 900 }] })
export type PutAccommodation = typeof PutAccommodation.static

export const Accommodation = t.Object({
  quiz_id: t.String({ format: 'uuid' }),
  user: PublicUser,
  extra_attempts: t.Integer(),
  extra_time_seconds: t.Integer(),
  updated_at: t.String({ format: 'date-time' }),
}, { title: 'QuizAccommodation', examples: [{ quiz_id: '6bd2c018-9f7e-4be0-9c8d-1e2f3a4b5c6d', user: { id: '4f0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d', display_name: 'Sam Student', avatar_url: null }, extra_attempts: 1, extra_time_seconds: 900, updated_at: '2026-01-16T08:00:00.000Z' }] })
export type Accommodation = typeof Accommodation.static
export const AccommodationList = t.Object({ items: t.Array(Accommodation), next_cursor: t.Nullable(t.String()) }, { title: 'QuizAccommodationList', examples: [{ items: [{ quiz_id: '6bd2c018-9f7e-4be0-9c8d-1e2f3a4b5c6d', user: { id: '4f0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d', display_name: 'Sam Student', avatar_url: null }, extra_attempts: 1, extra_time_seconds: 900, updated_at: '2026-01-16T08:00:00.000Z' }], next_cursor: null }] })

export const Params = t.Object({ id: t.String({ format: 'uuid' }), user_id: t.String({ format: 'uuid' }) })
