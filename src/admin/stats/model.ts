import { t } from 'elysia'

const CountByDay = t.Object({ date: t.String({ description: 'UTC day, YYYY-MM-DD' }), count: t.Integer() })
const Counted = t.Object({ total: t.Integer(), by_day: t.Array(CountByDay) })

export const AdminStats = t.Object(
  {
    users: t.Object({ total: t.Integer(), by_role: t.Object({ student: t.Integer(), instructor: t.Integer(), admin: t.Integer() }) }),
    enrollments: Counted,
    completions: Counted,
    revenue: t.Array(
      t.Object({
        currency: t.String(),
        total_cents: t.Integer(),
        by_day: t.Array(t.Object({ date: t.String(), cents: t.Integer() })),
      }),
    ),
  },
  { title: 'AdminStats', examples: [{ users: { total: 3, by_role: { student: 1, instructor: 1, admin: 1 } }, enrollments: { total: 4, by_day: [{ date: '2026-01-15', count: 4 }] }, completions: { total: 1, by_day: [{ date: '2026-01-15', count: 1 }] }, revenue: [{ currency: 'usd', total_cents: 4900, by_day: [{ date: '2026-01-15', cents: 4900 }] }] }] },
)
