import { UnrecoverableError } from 'bullmq'
import type { OutboxEvent } from '../src/platform/outbox'
import type { Processor, WorkerDeps } from './types'
import * as commercePublic from '../src/commerce/public'
import * as coursesPublic from '../src/courses/public'
import * as gamificationPublic from '../src/gamification/public'
import type { InsightJob } from '../src/ai/jobs'

/** A reaction to a domain event. Must be idempotent: an event may be delivered twice. */
export type EventHandler = (event: OutboxEvent, deps: WorkerDeps) => Promise<void>

/**
 * Cross-domain flows, keyed by event type. Each flow calls the `public.ts` of the domains
 * it joins (e.g. "payment.completed -> enroll" uses commerce and courses).
 */
export const eventHandlers: Record<string, EventHandler[]> = {}

export const processEvent: Processor = async (job, deps) => {
  const event = job.data as OutboxEvent
  if (!event?.type) throw new UnrecoverableError('event without a type')
  const handlers = eventHandlers[event.type] ?? []
  for (const handle of handlers) await handle(event, deps)
  return { handled: handlers.length }
}

/** Adds a reaction to an event type (several flows may react to the same event). */
export function onEvent(type: string, handler: EventHandler) {
  ;(eventHandlers[type] ??= []).push(handler)
}

// --- Commerce flows (commerce never imports courses; these join the two public.ts files) ---

const ids = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])

onEvent(commercePublic.STRIPE_EVENT_RECEIVED, async (e, deps) => {
  await commercePublic.processStripeEvent(deps, String(e.payload.event_id))
})

// The TTL timer of an unpaid order: a delayed maintenance job with a natural id.
onEvent(commercePublic.ORDER_CREATED_EVENT, async (e, deps) => {
  const orderId = String(e.payload.order_id)
  const delay = Math.max(0, new Date(String(e.payload.expires_at)).getTime() - Date.now())
  await deps.queues.maintenance.add(commercePublic.EXPIRE_ORDER_JOB, { order_id: orderId }, { jobId: commercePublic.expireOrderJobId(orderId), delay })
  // The safety-net sweep runs wherever orders are taken (upsert: idempotent).
  await deps.queues.maintenance.upsertJobScheduler(commercePublic.SWEEP_SCHEDULER_ID, { every: commercePublic.SWEEP_EVERY_MS }, { name: commercePublic.SWEEP_JOB })
})

// Access to a bought course always follows commerce's current answer, under a per (user, course)
// lock: a grant whose order was refunded or disputed meanwhile grants nothing, a revocation
// while another order still holds the course revokes nothing. Events may then arrive in any order.
async function grantIfOwned(deps: WorkerDeps, e: OutboxEvent, opts: { reinstateCertificate?: boolean } = {}) {
  const userId = String(e.payload.user_id)
  for (const courseId of ids(e.payload.course_ids)) {
    try {
      await commercePublic.withCourseOwnership(deps.sql, userId, courseId, async (tx, owns) => {
        if (owns) await coursesPublic.grantCourseAccess(tx, { userId, courseId, ...opts })
        else deps.log.info('course not granted: no longer owned', { order_id: e.payload.order_id, course_id: courseId })
      })
    } catch (err) {
      // A product pointing at a course that does not exist (23503) can never be granted: retrying won't help.
      if ((err as { code?: string }).code !== '23503') throw err
      deps.log.warn('paid course does not exist', { order_id: e.payload.order_id, course_id: courseId })
    }
  }
}

const revokeUnlessOwned: EventHandler = async (e, deps) => {
  const userId = String(e.payload.user_id)
  for (const courseId of ids(e.payload.course_ids)) {
    await commercePublic.withCourseOwnership(deps.sql, userId, courseId, async (tx, owns) => {
      if (!owns) await coursesPublic.revokeCourseAccess(tx, { userId, courseId })
    })
  }
}

// Paid → the learner gets every course bought, and one confirmation email.
onEvent('payment.completed', async (e, deps) => {
  await grantIfOwned(deps, e)
  await commercePublic.sendOrderConfirmation(deps, String(e.payload.order_id))
})

// Refunded, or disputed → access (and certificates) revoked, unless another paid order still holds the course.
onEvent('order.refunded', revokeUnlessOwned)
onEvent(commercePublic.ORDER_DISPUTED_EVENT, revokeUnlessOwned)
// A dispute won → access back, with the certificate it had earned.
onEvent(commercePublic.ORDER_ACCESS_RESTORED_EVENT, (e, deps) => grantIfOwned(deps, e, { reinstateCertificate: true }))

onEvent('order.status_changed', async (e, deps) => {
  await commercePublic.notifyOrderStatus(deps, { order_id: String(e.payload.order_id), user_id: String(e.payload.user_id), to: String(e.payload.to) })
})

// A paid course is sold through a `course` product with the same title and price.
const syncCourseProduct: EventHandler = async (e, deps) => {
  const course = await coursesPublic.findCourseForSale(deps.sql, String(e.payload.course_id))
  if (course) await commercePublic.syncCourseProduct(deps.sql, course)
}
onEvent('course.published', syncCourseProduct)
onEvent('course.price_changed', syncCourseProduct)
// An archived course is no longer sold: its product is archived too.
onEvent('course.archived', syncCourseProduct)

// --- Gamification and the AI mentor: XP once per source (the (user, source, source id) key
// makes a re-delivered event harmless), and a mentor insight on the `ai` queue. ---

const str = (v: unknown) => String(v)
const enqueueInsight = (deps: WorkerDeps, job: InsightJob) =>
  deps.queues.ai.add('insight', job, { jobId: `insight-${job.kind}-${job.user_id}-${job.source_id}` })

onEvent('lesson.completed', async (e, deps) => {
  const p = e.payload
  await gamificationPublic.awardXp(deps, { userId: str(p.user_id), source: 'lesson', sourceId: str(p.lesson_id), xp: gamificationPublic.XP.lesson, achievements: ['first_lesson'] })
  await enqueueInsight(deps, { kind: 'lesson_completed', user_id: str(p.user_id), course_id: str(p.course_id), lesson_id: str(p.lesson_id), source_id: str(p.lesson_id) })
})

const onQuiz = (passed: boolean): EventHandler => async (e, deps) => {
  const p = e.payload
  const percentage = Number(p.percentage)
  if (passed) {
    const perfect = percentage >= 100
    await gamificationPublic.awardXp(deps, {
      userId: str(p.user_id),
      source: 'quiz',
      sourceId: str(p.quiz_id),
      xp: gamificationPublic.XP.quiz + (perfect ? gamificationPublic.XP.perfectQuizBonus : 0),
      achievements: perfect ? ['first_quiz', 'perfect_quiz'] : ['first_quiz'],
    })
  }
  await enqueueInsight(deps, {
    kind: passed ? 'quiz_passed' : 'quiz_failed',
    user_id: str(p.user_id), course_id: str(p.course_id), lesson_id: p.lesson_id ? str(p.lesson_id) : null,
    source_id: str(p.attempt_id), quiz_id: str(p.quiz_id), percentage: Number.isFinite(percentage) ? percentage : null,
  })
}
onEvent('quiz.passed', onQuiz(true))
onEvent('quiz.failed', onQuiz(false))

onEvent('course.completed', async (e, deps) => {
  await gamificationPublic.awardXp(deps, { userId: str(e.payload.user_id), source: 'course', sourceId: str(e.payload.course_id), xp: gamificationPublic.XP.course, achievements: ['first_course'] })
})

// A regrade changed a learner's attempts: tell them (after the commit, never lost: outbox).
onEvent('quiz.regraded', async (e, deps) => {
  const p = e.payload
  await coursesPublic.notifyQuizRegraded(deps, { user_id: str(p.user_id), quiz_id: str(p.quiz_id), attempt_id: str(p.attempt_id), passed: p.passed === true })
})
