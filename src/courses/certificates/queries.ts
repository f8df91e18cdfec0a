import type { Tx } from '../../platform/db'

export type CertificateRow = {
  id: string; enrollment_id: string; user_id: string; course_id: string; number: string
  learner_name: string; course_title: string; instructor_name: string
  issued_at: Date; storage_key: string | null; pdf_stored_at: Date | null; revoked_at: Date | null
}

/** The completed enrollment a certificate is for, locked, with the names printed on it. */
export async function lockEnrollmentForCertificate(sql: Tx, enrollmentId: string) {
  const [row] = await sql<{ id: string; user_id: string; course_id: string; status: string; learner_name: string; course_title: string; instructor_name: string }[]>`
    select e.id, e.user_id, e.course_id, e.status, u.display_name as learner_name, c.title as course_title, i.display_name as instructor_name
    from enrollments e join users u on u.id = e.user_id join courses c on c.id = e.course_id join users i on i.id = c.instructor_id
    where e.id = ${enrollmentId} for update of e`
  return row ?? null
}

export async function findCertificateByEnrollment(sql: Tx, enrollmentId: string): Promise<CertificateRow | null> {
  const [row] = await sql<CertificateRow[]>`select * from certificates where enrollment_id = ${enrollmentId}`
  return row ?? null
}

export async function findCertificate(sql: Tx, id: string): Promise<CertificateRow | null> {
  const [row] = await sql<CertificateRow[]>`select * from certificates where id = ${id}`
  return row ?? null
}

export async function findCertificateByNumber(sql: Tx, number: string): Promise<CertificateRow | null> {
  const [row] = await sql<CertificateRow[]>`select * from certificates where number = ${number} and pdf_stored_at is not null`
  return row ?? null
}

export async function insertCertificate(sql: Tx, c: Omit<CertificateRow, 'id' | 'issued_at' | 'storage_key' | 'pdf_stored_at' | 'revoked_at'>): Promise<CertificateRow> {
  const [row] = await sql<CertificateRow[]>`
    insert into certificates (enrollment_id, user_id, course_id, number, learner_name, course_title, instructor_name)
    values (${c.enrollment_id}, ${c.user_id}, ${c.course_id}, ${c.number}, ${c.learner_name}, ${c.course_title}, ${c.instructor_name})
    returning *`
  return row!
}

/** Records the stored PDF; returns the row only to the first caller (who then notifies). */
export async function markPdfStored(sql: Tx, id: string, key: string): Promise<CertificateRow | null> {
  const [row] = await sql<CertificateRow[]>`
    update certificates set storage_key = ${key}, pdf_stored_at = now() where id = ${id} and pdf_stored_at is null returning *`
  if (row) await sql`update enrollments set certificate_issued_at = coalesce(certificate_issued_at, ${row.issued_at}) where id = ${row.enrollment_id}`
  return row ?? null
}

export async function reinstateCertificate(sql: Tx, id: string): Promise<void> {
  await sql`update certificates set revoked_at = null where id = ${id}`
}

export async function listUserCertificates(sql: Tx, userId: string): Promise<CertificateRow[]> {
  return sql<CertificateRow[]>`select * from certificates where user_id = ${userId} and pdf_stored_at is not null order by issued_at desc, id desc limit 500`
}

/** Revokes the enrollment's live certificate because a regrade re-opened the enrollment. */
export async function revokeForRegrade(sql: Tx, enrollmentId: string): Promise<void> {
  await sql`update certificates set revoked_at = now(), revoked_reason = 'regrade' where enrollment_id = ${enrollmentId} and revoked_at is null`
}

/**
 * The enrollment is completed again: a certificate a regrade had revoked is valid again
 * (same number and PDF), and the enrollment records it as issued. False when there is none.
 */
export async function reinstateAfterRegrade(sql: Tx, enrollmentId: string): Promise<boolean> {
  const rows = await sql`
    with c as (
      update certificates set revoked_at = null, revoked_reason = null
      where enrollment_id = ${enrollmentId} and revoked_reason = 'regrade' and pdf_stored_at is not null returning enrollment_id, issued_at
    )
    update enrollments e set certificate_issued_at = c.issued_at from c where e.id = c.enrollment_id returning e.id`
  return rows.length > 0
}
