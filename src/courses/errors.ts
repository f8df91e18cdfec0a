import { AppError, httpErrors } from '../platform/http/errors'

/** The courses domain's error codes (SPEC §4). */
export const courseErrors = {
  slugTaken: () => new AppError(409, 'slug_taken', 'This slug is already used by another course'),
  alreadyEnrolled: () => new AppError(409, 'already_enrolled', 'You are already enrolled in this course'),
  paymentRequired: () => new AppError(402, 'payment_required', 'This course must be purchased first'),
  notEnrolled: () => new AppError(403, 'not_enrolled', 'Enroll in this course first'),
  invalidTransition: (from: string, to: string) => new AppError(409, 'invalid_transition', `A ${from} course cannot become ${to}`),
  noLessons: () => new AppError(409, 'no_lessons', 'A course needs at least one lesson to be published'),
  quizRequired: () => new AppError(409, 'quiz_required', 'Pass the quiz of this lesson to complete it'),
  maxAttempts: () => new AppError(409, 'max_attempts_exceeded', 'No attempts left for this quiz'),
  attemptExpired: () => new AppError(409, 'attempt_expired', 'The time for this attempt has run out; your saved answers were graded'),
  attemptClosed: () => new AppError(409, 'attempt_closed', 'This attempt has already been submitted'),
  notCompleted: () => new AppError(409, 'enrollment_not_completed', 'The enrollment is not completed'),
  certificateRevoked: () => new AppError(410, 'certificate_revoked', 'This certificate has been revoked'),
  notReviewable: () => new AppError(409, 'not_reviewable', 'Only essay questions of a submitted attempt can be reviewed'),
  lessonLocked: (previousLessonId: string) => new AppError(403, 'lesson_locked', 'Complete the lesson before this one first', [{ field: 'lesson_id', message: previousLessonId }]),
  notFound: (what = 'Not found') => httpErrors.notFound(what),
  forbidden: () => httpErrors.forbidden(),
}
