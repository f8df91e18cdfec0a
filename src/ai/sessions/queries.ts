import type { Tx } from '../../platform/db'

export type SessionRow = { id: string; scenario_id: string; user_id: string; status: 'active' | 'resolved'; result: unknown; created_at: Date; resolved_at: Date | null }
export type SessionMessageRow = { id: string; role: 'persona' | 'learner'; body: string; created_at: Date }

export async function findSession(sql: Tx, id: string, forUpdate = false) {
  const [row] = forUpdate
    ? await sql<SessionRow[]>`select id, scenario_id, user_id, status, result, created_at, resolved_at from scenario_sessions where id = ${id} for update`
    : await sql<SessionRow[]>`select id, scenario_id, user_id, status, result, created_at, resolved_at from scenario_sessions where id = ${id}`
  return row ?? null
}

export async function insertSession(sql: Tx, scenarioId: string, userId: string) {
  const [row] = await sql<SessionRow[]>`
    insert into scenario_sessions (scenario_id, user_id) values (${scenarioId}, ${userId})
    returning id, scenario_id, user_id, status, result, created_at, resolved_at`
  return row!
}

export async function insertSessionMessage(sql: Tx, sessionId: string, role: 'persona' | 'learner', body: string) {
  const [row] = await sql<SessionMessageRow[]>`
    insert into scenario_messages (session_id, role, body) values (${sessionId}, ${role}, ${body}) returning id, role, body, created_at`
  return row!
}

export async function sessionMessages(sql: Tx, sessionId: string) {
  return sql<SessionMessageRow[]>`select id, role, body, created_at from scenario_messages where session_id = ${sessionId} order by n`
}

export async function markResolved(sql: Tx, id: string, result: unknown) {
  const [row] = await sql<SessionRow[]>`
    update scenario_sessions set status = 'resolved', result = ${sql.json(result as never)}, resolved_at = now()
    where id = ${id} and status = 'active'
    returning id, scenario_id, user_id, status, result, created_at, resolved_at`
  return row ?? null
}
