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
}, { title: 'RegradeResult' })
export type RegradeResult = typeof RegradeResult.static

export const RegradeRun = t.Object({
  id: t.String({ format: 'uuid' }),
  by: t.Nullable(t.String({ format: 'uuid', description: 'Who applied it (null once that account is deleted)' })),
  at: t.String({ format: 'date-time' }),
  question_ids: t.Nullable(t.Array(t.String({ format: 'uuid' }), { description: 'null: every question' })),
  attempts_affected: t.Integer(),
}, { title: 'RegradeRun' })
export const RegradeRunList = t.Object({ items: t.Array(RegradeRun), next_cursor: t.Nullable(t.String()) }, { title: 'RegradeRunList' })
