import type { Tx } from '../../platform/db'

export type InsightRow = { id: string; kind: string; text: string; lesson_id: string | null; course_id: string | null; created_at: Date }

export async function insightExists(sql: Tx, userId: string, kind: string, sourceId: string) {
  const [row] = await sql`select 1 from ai_insights where user_id = ${userId} and kind = ${kind} and source_id = ${sourceId}`
  return !!row
}

/**
 * Claims today's (UTC) insight slot of `subject` for this cause. False when another cause
 * holds it (the insight is skipped); true for a new claim or the same cause again (a re-run).
 */
export async function claimDailySlot(sql: Tx, c: { userId: string; subject: string; kind: string; sourceId: string }) {
  const rows = await sql`
    insert into ai_insight_daily (user_id, subject, day, kind, source_id)
    values (${c.userId}, ${c.subject}, (now() at time zone 'utc')::date, ${c.kind}, ${c.sourceId})
    on conflict (user_id, subject, day) do update set source_id = excluded.source_id
      where ai_insight_daily.kind = excluded.kind and ai_insight_daily.source_id = excluded.source_id
    returning 1`
  return rows.length > 0
}

/** Gives a claimed slot back (the provider failed or answered nothing usable). */
export async function releaseDailySlot(sql: Tx, c: { userId: string; subject: string; kind: string; sourceId: string }) {
  await sql`
    delete from ai_insight_daily where user_id = ${c.userId} and subject = ${c.subject}
      and day = (now() at time zone 'utc')::date and kind = ${c.kind} and source_id = ${c.sourceId}`
}

export async function insertInsight(sql: Tx, i: { userId: string; kind: string; text: string; lessonId: string | null; courseId: string | null; sourceId: string }) {
  const [row] = await sql<InsightRow[]>`
    insert into ai_insights (user_id, kind, text, lesson_id, course_id, source_id)
    values (${i.userId}, ${i.kind}, ${i.text}, ${i.lessonId}, ${i.courseId}, ${i.sourceId})
    on conflict on constraint ai_insights_once do nothing
    returning id, kind, text, lesson_id, course_id, created_at`
  return row ?? null
}

export async function listInsights(sql: Tx, userId: string, limit: number, after: { at: Date; id: string } | null) {
  return sql<InsightRow[]>`
    select id, kind, text, lesson_id, course_id, created_at from ai_insights
    where user_id = ${userId} ${after ? sql`and (created_at, id) < (${after.at}, ${after.id})` : sql``}
    order by created_at desc, id desc limit ${limit + 1}`
}
