import { isUuid } from '../../platform/ids'
import type { Deps } from '../../platform/deps'
import { isUniqueViolation } from '../../platform/db'
import { findActiveUserIds, findPublicUsers } from '../../accounts/public'
import { messagingErrors as E } from '../errors'
import { toMessage } from '../messages/queries'
import { decodeCursor, encodeCursor } from '../../platform/http/cursor'
import { shareOnline } from '../realtime/presence'
import { MAX_GROUP_OTHERS, type Conversation } from './model'
import * as q from './queries'

type D = Pick<Deps, 'sql'>
type RD = Pick<Deps, 'sql' | 'redis' | 'keys' | 'hub'>
type Caller = { userId: string; role: string }

/** Full views (participants, last message, unread count) of the caller's conversations, in the rows' order. */
async function views(deps: D, userId: string, rows: q.ConversationRow[]): Promise<Conversation[]> {
  const ids = rows.map((r) => r.id)
  const [last, members] = await Promise.all([q.findLastMessages(deps.sql, ids), q.findParticipantRows(deps.sql, ids)])
  const users = await findPublicUsers(deps.sql, members.map((m) => m.user_id))
  const lastBy = new Map(last.map((m) => [m.conversation_id, toMessage(m)]))
  return rows.map((r) => ({
    id: r.id,
    type: r.type,
    name: r.name,
    owner_id: r.owner_id,
    participants: members.filter((m) => m.conversation_id === r.id).flatMap((m) => users.get(m.user_id) ?? []),
    last_message: lastBy.get(r.id) ?? null,
    unread_count: r.unread_count,
    created_at: r.created_at.toISOString(),
    last_activity_at: r.last_activity_at.toISOString(),
  }))
}

/** The conversation as `userId` sees it; 404 unless they take part. */
export async function getConversation(deps: D, userId: string, id: string) {
  const [row] = await q.findUserConversations(deps.sql, userId, { ids: [id] })
  if (!row) throw E.conversationNotFound()
  return (await views(deps, userId, [row]))[0]!
}

export async function listConversations(deps: D, userId: string, query: { limit?: number; cursor?: string }) {
  const limit = query.limit ?? 20
  const after = query.cursor ? decodeCursor(query.cursor, (v): v is { key: string; id: string } =>
    typeof v?.key === 'string' && /^\d{1,17}$/.test(v.key) && typeof v?.id === 'string' && isUuid(v.id)) : undefined
  const rows = await q.findUserConversations(deps.sql, userId, { after, limit: limit + 1 })
  const page = rows.slice(0, limit)
  const lastRow = page[page.length - 1]
  return {
    items: await views(deps, userId, page),
    next_cursor: rows.length > limit && lastRow ? encodeCursor({ key: lastRow.activity_key, id: lastRow.id }) : null,
  }
}

async function assertKnownUsers(deps: D, ids: string[]) {
  const known = await findActiveUserIds(deps.sql, ids)
  const unknown = ids.filter((id) => !known.has(id))
  if (unknown.length) throw E.unknownParticipants(unknown)
}

/** Creates a conversation; a direct one that exists already comes back as it is (`created: false`). */
export async function createConversation(deps: RD, caller: Caller, body: { type: 'direct' | 'group'; participant_ids: string[]; name?: string | null }) {
  if (body.name?.includes('\u0000')) throw E.invalid('name', 'The name must not contain NUL characters')
  // Lower-cased so that the direct pair key and id comparisons do not depend on how a client spells a UUID.
  const others = [...new Set(body.participant_ids.map((id) => id.toLowerCase()))].filter((id) => id !== caller.userId)
  if (body.type === 'direct' && (others.length !== 1 || body.participant_ids.length !== 1)) {
    throw E.invalid('participant_ids', 'A direct conversation names exactly one other user')
  }
  if (others.length > MAX_GROUP_OTHERS) throw E.invalid('participant_ids', `At most ${MAX_GROUP_OTHERS} other users`)
  await assertKnownUsers(deps, others)
  const members = [caller.userId, ...others]
  const result = body.type === 'direct' ? await createDirect(deps, caller.userId, others[0]!) : await createGroup(deps, caller.userId, members, body.name)
  if (result.created) await shareOnline(deps, members, members).catch(() => {})
  return result
}

async function createGroup(deps: D, ownerId: string, members: string[], name?: string | null) {
  const id = await deps.sql.begin(async (tx) => {
    const id = await q.insertConversation(tx, { type: 'group', name: name?.trim() || null, ownerId, directKey: null })
    await q.addParticipants(tx, id, members)
    return id
  })
  return { created: true, conversation: await getConversation(deps, ownerId, id) }
}

/** Deduplicated by the unique direct key: a racing second request finds the first one's row. */
async function createDirect(deps: D, userId: string, otherId: string) {
  const key = q.directKey(userId, otherId)
  const existing = await q.findDirectByKey(deps.sql, key)
  if (existing) return { created: false, conversation: await getConversation(deps, userId, existing.id) }
  try {
    const id = await deps.sql.begin(async (tx) => {
      const id = await q.insertConversation(tx, { type: 'direct', name: null, ownerId: null, directKey: key })
      await q.addParticipants(tx, id, [userId, otherId])
      return id
    })
    return { created: true, conversation: await getConversation(deps, userId, id) }
  } catch (err) {
    if (!isUniqueViolation(err)) throw err
    const raced = await q.findDirectByKey(deps.sql, key)
    if (!raced) throw err
    return { created: false, conversation: await getConversation(deps, userId, raced.id) }
  }
}

/** Owner (or an admin taking part) adds a user to a group. */
export async function addParticipant(deps: RD, caller: Caller, id: string, rawUserId: string) {
  const userId = rawUserId.toLowerCase()
  const added = await deps.sql.begin(async (tx) => {
    const conv = await q.lockConversationForParticipant(tx, id, caller.userId)
    if (!conv) throw E.conversationNotFound()
    if (conv.type !== 'group') throw E.notAGroup()
    if (conv.owner_id !== caller.userId && caller.role !== 'admin') throw E.notOwner()
    if ((await findActiveUserIds(tx, [userId])).size === 0) throw E.unknownUser()
    if (await q.isParticipant(tx, id, userId)) return false
    if ((await q.countParticipants(tx, id)) > MAX_GROUP_OTHERS) throw E.groupFull(MAX_GROUP_OTHERS + 1)
    await q.addParticipants(tx, id, [userId])
    return true
  })
  const conversation = await getConversation(deps, caller.userId, id)
  if (added) await shareOnline(deps, conversation.participants.map((p) => p.id), [userId]).catch(() => {})
  return conversation
}

/** The owner removes anyone; anyone removes themself (leaving). An owner who leaves hands the group on. */
export async function removeParticipant(deps: D, caller: Caller, id: string, rawUserId: string) {
  const userId = rawUserId.toLowerCase()
  await deps.sql.begin(async (tx) => {
    const conv = await q.lockConversationForParticipant(tx, id, caller.userId)
    if (!conv) throw E.conversationNotFound()
    const self = userId === caller.userId
    if (conv.type !== 'group') throw E.notAGroup()
    if (!self && conv.owner_id !== caller.userId && caller.role !== 'admin') throw E.notOwner()
    if (!(await q.removeParticipant(tx, id, userId))) throw httpNotParticipant()
    if (conv.owner_id === userId) await q.transferOwnership(tx, id)
  })
}

const httpNotParticipant = () => E.participantNotFound()
