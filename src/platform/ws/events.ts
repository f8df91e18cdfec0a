/**
 * Server → client frames (SPEC §6). Every frame is `{type, data}`. Domains publish through
 * the hub with these names; the data types of domain frames are owned by their domains.
 */
export type HelloData = { user_id: string; connection_id: string; online_user_ids: string[] }
export type ErrorFrameData = { code: 'bad_frame' | 'forbidden' | 'rate_limited' | 'not_found' | 'payload_too_large' | (string & {}); message: string }
export type NotificationKind =
  | 'mentor_insight' | 'certificate_issued' | 'order_status' | 'file_ready' | 'achievement_unlocked' | 'scenario_message'

export type ServerEventMap = {
  hello: HelloData
  pong: Record<string, never> | { ts?: number }
  error: ErrorFrameData
  message: Record<string, unknown>
  message_updated: Record<string, unknown>
  delivery_ack: { message_id: string; user_id: string; status: 'delivered' }
  read_receipt: { conversation_id: string; user_id: string; message_id: string }
  typing: { user_id: string; conversation_id: string }
  typing_stop: { user_id: string; conversation_id: string }
  presence: { user_id: string; status: 'online' | 'offline' }
  resumed: { conversation_id: string; seq: number }
  notification: { kind: NotificationKind } & Record<string, unknown>
}
export type ServerEventType = keyof ServerEventMap
export type ServerFrame<K extends ServerEventType = ServerEventType> = { type: K; data: ServerEventMap[K] }

export function frame<K extends ServerEventType>(type: K, data: ServerEventMap[K]): string {
  return JSON.stringify({ type, data })
}
