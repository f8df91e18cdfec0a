import { UnrecoverableError } from 'bullmq'
import { Value } from '@sinclair/typebox/value'
import { CertificateJob, certificateJobId } from '../src/courses/jobs'
import { issueCertificateForEnrollment, needsCertificate } from '../src/courses/public'
import { eventHandlers, type EventHandler } from './events'
import type { Processor } from './types'

/** `certificates` queue: render, store and announce the certificate of a completed enrollment. */
export const processCertificate: Processor = async (job, deps) => {
  if (!Value.Check(CertificateJob, job.data)) throw new UnrecoverableError('invalid certificate job payload')
  return issueCertificateForEnrollment(deps, job.data.enrollment_id)
}

/** course.completed → queue the certificate (natural job id: one job per enrollment). */
export const queueCertificate: EventHandler = async (event, deps) => {
  const enrollmentId = String(event.payload.enrollment_id)
  if (!(await needsCertificate(deps.sql, enrollmentId))) return
  await deps.queues.certificates.add('issue', { enrollment_id: enrollmentId } satisfies CertificateJob, { jobId: certificateJobId(enrollmentId) })
}
;(eventHandlers['course.completed'] ??= []).push(queueCertificate)
