import type { ServerWebSocket } from 'bun'

/** Largest client frame (SPEC §12): Bun closes the socket with 1009 before parsing a bigger one. */
export const MAX_FRAME_BYTES = 64 * 1024
/** Largest unsent backlog of one socket (SPEC §12): beyond it the socket is closed with 1013. */
export const MAX_BACKLOG_BYTES = 1024 * 1024
/** A bulk replay waits for the socket to drain above this backlog. */
export const REPLAY_HIGH_WATER = 256 * 1024

/** One open socket on this replica. */
export type Conn = {
  id: string
  userId: string
  sid: string
  role: string
  send(text: string): void
  close(code: number, reason: string): void
  /**
   * For bulk replays (resume, pending deliveries): sends like `send`, then waits while the
   * socket's backlog is above REPLAY_HIGH_WATER until it drains, so a replay of many large
   * frames does not itself hit MAX_BACKLOG_BYTES. False once the socket is closed.
   */
  sendPaced(text: string): Promise<boolean>
  /** Joins a Bun pub/sub topic (the user's), through which local fan-out reaches the socket. */
  subscribe?(topic: string): void
  /** Closes the socket with 1013 when a topic publish left its backlog over MAX_BACKLOG_BYTES. */
  checkBacklog?(): void
}
/** The part of Bun's server that local fan-out uses. */
export type TopicServer = { publish(topic: string, data: string): number }


/**
 * Wraps a Bun socket as a hub connection. A socket whose unsent backlog passes
 * MAX_BACKLOG_BYTES (a client that stopped reading) is closed with 1013: the close frame
 * follows the backlog, and the client reconnects and resumes (frames live in Postgres).
 */
export function connFromSocket(ws: ServerWebSocket<unknown>, id: string, auth: { userId: string; sid: string; role: string }): Conn & { drained(): void } {
  let waiters: (() => void)[] = []
  const wake = () => {
    const w = waiters
    waiters = []
    for (const f of w) f()
  }
  const send = (text: string) => {
    const sent = ws.send(text)
    // -1: queued behind a backlog; 0: dropped (Bun's own limit, which backs this one up).
    if (sent === 0 || (sent === -1 && ws.getBufferedAmount() > MAX_BACKLOG_BYTES)) {
      if (ws.readyState === 1) ws.close(1013, 'backlog too large, reconnect and resume')
    }
  }
  return {
    id,
    ...auth,
    send,
    async sendPaced(text) {
      if (ws.readyState !== 1) return false
      send(text)
      while (ws.readyState === 1 && ws.getBufferedAmount() > REPLAY_HIGH_WATER) {
        // Woken by Bun's drain event or the close; the timer only re-checks (a client that stopped reading is closed by the backlog limit).
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 1000)
          waiters.push(() => { clearTimeout(timer); resolve() })
        })
      }
      return ws.readyState === 1
    },
    subscribe: (topic) => ws.subscribe(topic),
    checkBacklog() {
      if (ws.readyState === 1 && ws.getBufferedAmount() > MAX_BACKLOG_BYTES) ws.close(1013, 'backlog too large, reconnect and resume')
    },
    close: (code, reason) => {
      ws.close(code, reason)
      wake()
    },
    /** Called from the socket's drain and close events. */
    drained: wake,
  }
}
