import type { Tx } from '../../platform/db'

export type InsightRow = { id: string; kind: string; text: string; lesson_id: string | null; course_id: string | null; created_at: Date }

export async function insightExists(sql: Tx, userId: string, kind: string, sourceId: string) {
  const [row] = await sql`select 1 from ai_insights where user_id = ${userId} and kind = ${kind} and source_id = ${sourceId}`
  return !!row
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
