import { t } from 'elysia'

const DateTime = t.String({ format: 'date-time' })

export const Certificate = t.Object({
  id: t.String({ format: 'uuid' }),
  number: t.String({ description: 'CERT-YYYYMMDD-XXXXXX' }),
  course_id: t.String({ format: 'uuid' }),
  course_title: t.String(),
  enrollment_id: t.String({ format: 'uuid' }),
  issued_at: DateTime,
  revoked_at: t.Nullable(DateTime),
  pdf_url: t.String(),
  verify_url: t.String(),
}, { title: 'Certificate' })
export type Certificate = typeof Certificate.static

export const CertificateList = t.Object({ items: t.Array(Certificate), next_cursor: t.Nullable(t.String()) }, { title: 'CertificateList' })

export const Verification = t.Object({
  valid: t.Boolean({ description: 'false once revoked (e.g. refund)' }),
  number: t.String(),
  learner_name: t.String(),
  course_title: t.String(),
  instructor_name: t.String(),
  issued_at: DateTime,
  revoked_at: t.Nullable(DateTime),
}, { title: 'CertificateVerification' })
