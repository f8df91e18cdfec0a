import type { Tx } from '../platform/db'

export type RevenueByCurrency = { currency: string; total_cents: number; by_day: { date: string; cents: number }[] }

/**
 * Revenue of paid (not refunded, not disputed) orders per currency and UTC day of payment:
 * what Stripe reported received (the total for older or 0-total orders) less partial refunds.
 */
export async function revenueByCurrencyAndDay(sql: Tx): Promise<RevenueByCurrency[]> {
  const rows = await sql<{ currency: string; day: string; cents: number }[]>`
    select coalesce(received_currency, currency) as currency, to_char(paid_at at time zone 'UTC', 'YYYY-MM-DD') as day,
      sum(coalesce(received_cents, total_cents) - refunded_cents)::int as cents
    from orders where paid_at is not null and status in ('paid', 'processing', 'shipped', 'delivered')
    group by 1, 2 order by 1, 2`
  const out = new Map<string, RevenueByCurrency>()
  for (const r of rows) {
    const c = out.get(r.currency) ?? { currency: r.currency, total_cents: 0, by_day: [] }
    c.total_cents += r.cents
    c.by_day.push({ date: r.day, cents: r.cents })
    out.set(r.currency, c)
  }
  return [...out.values()]
}
