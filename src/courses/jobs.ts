import { t } from 'elysia'

/** `certificates` queue, job name `issue`: render and store the certificate of a completed enrollment. */
export const CertificateJob = t.Object({ enrollment_id: t.String({ format: 'uuid' }) })
export type CertificateJob = typeof CertificateJob.static
export const certificateJobId = (enrollmentId: string) => `certificate-${enrollmentId}`

/** `maintenance` queue, job name `quiz-attempt-expire`: auto-submits an attempt whose time ran out. */
export const ATTEMPT_EXPIRE_TASK = 'quiz-attempt-expire'
export const AttemptExpireJob = t.Object({ attempt_id: t.String({ format: 'uuid' }) })
export type AttemptExpireJob = typeof AttemptExpireJob.static
export const attemptExpireJobId = (attemptId: string) => `attempt-expire-${attemptId}`
