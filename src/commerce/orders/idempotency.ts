import type { Tx } from '../../platform/db'
import type { ErrorDetail } from '../../platform/http/errors'

export type StoredError = { status: number; code: string; message: string; details?: ErrorDetail[] }
export type IdempotencyRow = { request_hash: string; order_id: string | null; response: unknown | null; error: StoredError | null }

/** A stable fingerprint of what a request asked for (path + body). */
export function requestHash(parts: unknown): string {
  return new Bun.CryptoHasher('sha256').update(JSON.stringify(parts, Object.keys(flatKeys(parts)).sort())).digest('hex')
}

function flatKeys(v: unknown, acc: Record<string, true> = {}): Record<string, true> {
  if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) { acc[k] = true; flatKeys(x, acc) }
  return acc
}

/**
 * Claims a key for a new order. A concurrent request holding the same key makes this wait
 * until it commits (unique index), then returns false: the caller replays the stored row.
 */
export async function claimIdempotencyKey(sql: Tx, userId: string, key: string, hash: string, orderId: string): Promise<boolean> {
  const rows = await sql`
    insert into order_idempotency_keys (user_id, key, request_hash, order_id) values (${userId}, ${key}, ${hash}, ${orderId})
    on conflict (user_id, key) do nothing returning 1`
  return rows.length > 0
}

export async function findIdempotencyKey(sql: Tx, userId: string, key: string): Promise<IdempotencyRow | null> {
  const [row] = await sql<IdempotencyRow[]>`
    select request_hash, order_id, response, error from order_idempotency_keys where user_id = ${userId} and key = ${key}`
  return row ?? null
}

export async function storeIdempotentResponse(sql: Tx, userId: string, key: string, response: unknown): Promise<void> {
  await sql`update order_idempotency_keys set response = ${sql.json(response as never)} where user_id = ${userId} and key = ${key} and response is null`
}

/** Records a refused checkout under its key (a concurrent twin may have recorded it first). */
export async function recordIdempotentError(sql: Tx, userId: string, key: string, hash: string, error: StoredError): Promise<void> {
  await sql`
    insert into order_idempotency_keys (user_id, key, request_hash, order_id, error)
    values (${userId}, ${key}, ${hash}, null, ${sql.json(error as never)})
    on conflict (user_id, key) do nothing`
}
