import type { Deps } from '../../platform/deps'
import type { Tx } from '../../platform/db'
import { isUniqueViolation } from '../../platform/db'
import type { AuthContext } from '../../platform/http/auth'
import { httpErrors } from '../../platform/http/errors'
import { courseErrors } from '../errors'
import { iso } from '../shared/format'
import type { Certificate } from './model'
import * as q from './queries'

type D = Pick<Deps, 'sql' | 'storage' | 'hub' | 'config' | 'log'>

export const verifyUrl = (publicUrl: string, number: string) => `${publicUrl.replace(/\/+$/, '')}/api/v1/certificates/verify/${number}`

export const toCertificate = (r: q.CertificateRow, publicUrl: string): Certificate => ({
  id: r.id, number: r.number, course_id: r.course_id, course_title: r.course_title, enrollment_id: r.enrollment_id,
  issued_at: iso(r.issued_at)!, revoked_at: iso(r.revoked_at), pdf_url: `/api/v1/certificates/${r.id}/pdf`, verify_url: verifyUrl(publicUrl, r.number),
})

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
/** `CERT-YYYYMMDD-XXXXXX` with six random upper-case alphanumerics. */
export function certificateNumber(date = new Date()): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6))
  const tail = [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join('')
  return `CERT-${date.toISOString().slice(0, 10).replace(/-/g, '')}-${tail}`
}

/** Finds or creates the enrollment's certificate row; a number collision retries with a new number. */
async function ensureCertificateRow(tx: Tx, enrollmentId: string, reinstate: boolean): Promise<q.CertificateRow | 'not_completed' | null> {
  const e = await q.lockEnrollmentForCertificate(tx, enrollmentId)
  if (!e) return null
  if (e.status !== 'completed') return 'not_completed'
  const existing = await q.findCertificateByEnrollment(tx, enrollmentId)
  if (existing) {
    if (reinstate && existing.revoked_at) await q.reinstateCertificate(tx, existing.id)
    return reinstate ? { ...existing, revoked_at: null } : existing
  }
  for (let i = 0; ; i++) {
    try {
      return await (tx as Extract<Tx, { savepoint: unknown }>).savepoint((sp) =>
        q.insertCertificate(sp, { enrollment_id: e.id, user_id: e.user_id, course_id: e.course_id, number: certificateNumber(), learner_name: e.learner_name, course_title: e.course_title, instructor_name: e.instructor_name }))
    } catch (err) {
      if (!isUniqueViolation(err, 'certificates_number_key') || i >= 5) throw err
    }
  }
}

/**
 * Issues the certificate of a completed enrollment: one row per enrollment, the PDF
 * rendered and stored, then listed; the learner is notified once. Safe to run twice or
 * concurrently (the job and an admin): later runs return the same certificate.
 */
export async function issueCertificate(deps: D, enrollmentId: string, opts: { reinstate?: boolean } = {}): Promise<{ certificate: Certificate; created: boolean } | 'not_completed' | null> {
  const row = await deps.sql.begin((tx) => ensureCertificateRow(tx, enrollmentId, Boolean(opts.reinstate)))
  if (row === null || row === 'not_completed') return row
  if (row.pdf_stored_at) return { certificate: toCertificate(row, deps.config.PUBLIC_URL), created: false }
  // pdf-lib and fontkit load with the first certificate rendered in this process (usually a
  // worker's), not with every API replica.
  const { renderCertificatePdf } = await import('./pdf')
  const pdf = await renderCertificatePdf({
    learnerName: row.learner_name, courseTitle: row.course_title, instructorName: row.instructor_name,
    issuedAt: row.issued_at, number: row.number, verifyUrl: verifyUrl(deps.config.PUBLIC_URL, row.number),
  })
  const key = `certificates/${row.id}.pdf`
  await deps.storage.put(key, pdf, 'application/pdf')
  const stored = await q.markPdfStored(deps.sql, row.id, key)
  const certificate = toCertificate(stored ?? (await q.findCertificate(deps.sql, row.id))!, deps.config.PUBLIC_URL)
  if (stored) deps.hub.publish([row.user_id], 'notification', { kind: 'certificate_issued', certificate })
  return { certificate, created: Boolean(stored) }
}

/** Admin: issue now (or reinstate) for a completed enrollment; 409 otherwise. */
export async function adminIssue(deps: D, enrollmentId: string) {
  const res = await issueCertificate(deps, enrollmentId, { reinstate: true })
  if (res === null) throw httpErrors.notFound('Enrollment not found')
  if (res === 'not_completed') throw courseErrors.notCompleted()
  return res
}

export async function listMyCertificates(deps: D, auth: AuthContext) {
  const rows = await q.listUserCertificates(deps.sql, auth.userId)
  return { items: rows.map((r) => toCertificate(r, deps.config.PUBLIC_URL)), next_cursor: null }
}

/** The PDF of one's own certificate (or any, for an admin). */
export async function certificatePdf(deps: D, id: string, auth: AuthContext): Promise<Response> {
  const row = await q.findCertificate(deps.sql, id)
  if (!row || !row.storage_key || (row.user_id !== auth.userId && auth.role !== 'admin')) throw httpErrors.notFound('Certificate not found')
  // A revoked certificate (refund, dispute) is no longer handed out as a document (SPEC §12).
  if (row.revoked_at) throw courseErrors.certificateRevoked()
  const blob = await deps.storage.get(row.storage_key)
  if (!blob) throw httpErrors.notFound('Certificate not found')
  return new Response(blob, { headers: { 'content-type': 'application/pdf', 'content-disposition': `inline; filename="${row.number}.pdf"`, 'cache-control': 'private, max-age=300' } })
}

export async function verifyCertificate(deps: D, number: string) {
  const row = /^CERT-\d{8}-[A-Z0-9]{6}$/i.test(number) ? await q.findCertificateByNumber(deps.sql, number.toUpperCase()) : null
  if (!row) throw httpErrors.notFound('Unknown certificate number')
  return {
    valid: row.revoked_at === null, number: row.number, learner_name: row.learner_name, course_title: row.course_title,
    instructor_name: row.instructor_name, issued_at: iso(row.issued_at)!, revoked_at: iso(row.revoked_at),
  }
}
