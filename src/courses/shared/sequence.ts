import type { Tx } from '../../platform/db'
import { courseErrors } from '../errors'
import { lessonToCompleteFirst } from '../progress/queries'

/**
 * Sequential courses (SPEC §14): a learner's lesson (not a preview) stays locked until the
 * lesson before it is completed → 403 `lesson_locked` naming that lesson. Callers skip this
 * for owners and admins.
 */
export async function assertUnlocked(sql: Tx, userId: string, lessonId: string): Promise<void> {
  const first = await lessonToCompleteFirst(sql, userId, lessonId)
  if (first) throw courseErrors.lessonLocked(first)
}

/** The outline with `locked` per lesson for an enrolled learner (lessons in position order). */
export function withLocks<L extends { id: string; is_preview: boolean }>(lessons: L[], sequential: boolean, completed: Set<string>): (L & { locked: boolean })[] {
  return lessons.map((l, i) => ({ ...l, locked: sequential && !l.is_preview && i > 0 && !completed.has(lessons[i - 1]!.id) }))
}
