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
}, {
  title: 'Certificate',
  examples: [{
    id: '9e05f34b-c2ab-4e13-8fb0-4b5c6d7e8f90', number: 'CERT-20260115-7K3Q9Z', course_id: '2d9e8c74-5b3a-4dac-9e4f-7a8b9c0d1e2f', course_title: 'Introduction to Lyceum',
    enrollment_id: '5ac1bf07-8e6d-4adf-8b7c-0d1e2f3a4b5c', issued_at: '2026-01-15T10:20:00.000Z', revoked_at: null,
    pdf_url: '/api/v1/certificates/9e05f34b-c2ab-4e13-8fb0-4b5c6d7e8f90/pdf', verify_url: 'http://localhost:3000/api/v1/certificates/verify/CERT-20260115-7K3Q9Z',
  }],
})
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
}, { title: 'CertificateVerification', examples: [{ valid: true, number: 'CERT-20260115-7K3Q9Z', learner_name: 'Zoë Student', course_title: 'Introduction to Lyceum', instructor_name: 'Ivan Instructor', issued_at: '2026-01-15T10:20:00.000Z', revoked_at: null }] })
