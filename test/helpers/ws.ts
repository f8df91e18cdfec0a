/** A WebSocket client for tests that queues frames and waits for the next matching one. */
export type Frame = { type: string; data: any }

export async function connectWs(url: string, headers?: Record<string, string>) {
  const ws = new WebSocket(url, headers ? ({ headers } as never) : undefined)
  const frames: Frame[] = []
  const waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = []
  let closed: { code: number; reason: string } | null = null
  const closeWaiters: ((c: { code: number; reason: string }) => void)[] = []
  ws.onmessage = (e) => {
    const f = JSON.parse(String(e.data)) as Frame
    const w = waiters.find((x) => x.match(f))
    if (w) { waiters.splice(waiters.indexOf(w), 1); w.resolve(f) } else frames.push(f)
  }
  ws.onclose = (e) => { closed = { code: e.code, reason: e.reason }; for (const c of closeWaiters) c(closed) }
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve()
    ws.onerror = () => reject(new Error('websocket failed to open'))
  })
  return {
    ws,
    frames,
    send: (type: string, data?: unknown) => ws.send(JSON.stringify({ type, data })),
    sendRaw: (text: string) => ws.send(text),
    /** The next frame of `type` (matching `pred`), already queued or yet to arrive. */
    next(type: string, pred: (d: any) => boolean = () => true, timeoutMs = 10000): Promise<Frame> {
      const match = (f: Frame) => f.type === type && pred(f.data)
      const i = frames.findIndex(match)
      if (i >= 0) return Promise.resolve(frames.splice(i, 1)[0]!)
      return new Promise((resolve, reject) => {
        const w = { match, resolve }
        waiters.push(w)
        setTimeout(() => { const j = waiters.indexOf(w); if (j >= 0) { waiters.splice(j, 1); reject(new Error(`no ${type} frame within ${timeoutMs} ms`)) } }, timeoutMs)
      })
    },
    closed: () => (closed ? Promise.resolve(closed) : new Promise<{ code: number; reason: string }>((r) => closeWaiters.push(r))),
    close: () => ws.close(),
  }
}
