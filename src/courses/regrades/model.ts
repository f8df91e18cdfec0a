import { t } from 'elysia'

export const RegradeBody = t.Object({
  question_ids: t.Optional(t.Array(t.String({ format: 'uuid' }), { minItems: 1, maxItems: 200, description: 'Questions to rescore (current ids); all when absent' })),
  dry_run: t.Boolean({ description: 'true: only list what would change; false: apply and cascade' }),
}, { examples: [{ dry_run: true }] })
export type RegradeBody = typeof RegradeBody.static

export const RegradeChange = t.Object({
  attempt_id: t.String({ format: 'uuid' }),
  user_id: t.String({ format: 'uuid' }),
  old_score: t.Number(),
  new_score: t.Number(),
  old_passed: t.Boolean(),
  new_passed: t.Boolean(),
}, { title: 'RegradeChange' })
export type RegradeChange = typeof RegradeChange.static

export const RegradeResult = t.Object({
  regrade_id: t.Optional(t.String({ format: 'uuid', description: 'Present when applied (dry_run false)' })),
  dry_run: t.Boolean(),
  attempts_affected: t.Integer({ description: 'Attempts whose score or pass changes' }),
  changes: t.Array(RegradeChange),
}, { title: 'RegradeResult', examples: [{ regrade_id: '5a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d', dry_run: false, attempts_affected: 1, changes: [{ attempt_id: '8df4e23a-b19a-4d02-9eaf-3a4b5c6d7e8f', user_id: '4f0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d', old_score: 5, new_score: 1, old_passed: true, new_passed: false }] }] })
export type RegradeResult = typeof RegradeResult.static

export const RegradeRun = t.Object({
  id: t.String({ format: 'uuid' }),
  by: t.Nullable(t.String({ format: 'uuid', description: 'Who applied it (null once that account is deleted)' })),
  at: t.String({ format: 'date-time' }),
  question_ids: t.Nullable(t.Array(t.String({ format: 'uuid' }), { description: 'null: every question' })),
  attempts_affected: t.Integer(),
}, { title: 'RegradeRun' })
export const RegradeRunList = t.Object({ items: t.Array(RegradeRun), next_cursor: t.Nullable(t.String()) }, {
  title: 'RegradeRunList',
  examples: [{ items: [{ id: '5a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d', by: '1c8d7b63-4a2f-4c9b-8d3e-6f7a8b9c0d1e', at: '2026-01-16T08:00:00.000Z', question_ids: null, attempts_affected: 1 }], next_cursor: null }],
})
