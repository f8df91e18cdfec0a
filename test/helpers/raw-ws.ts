import net from 'node:net'

/**
 * A WebSocket client done by hand over a plain TCP socket, for tests and benches that need a
 * client which stops reading (`pause()`): the server's frames then pile up in its backlog.
 * It parses the server's (unmasked) frames from the bytes it did read.
 */
export type RawFrame = { opcode: number; text: string; closeCode?: number }

export function rawWebSocket(port: number, path: string, headers: Record<string, string> = {}) {
  const sock = net.connect(port, '127.0.0.1')
  let buf = Buffer.alloc(0)
  let upgraded = false
  let status = 0
  let bytesRead = 0
  const frames: RawFrame[] = []
  let ended = false
  const endWaiters: (() => void)[] = []
  const parse = () => {
    for (;;) {
      if (buf.length < 2) return
      const opcode = buf[0]! & 0x0f
      let len = buf[1]! & 0x7f
      let at = 2
      if (len === 126) {
        if (buf.length < 4) return
        len = buf.readUInt16BE(2)
        at = 4
      } else if (len === 127) {
        if (buf.length < 10) return
        len = Number(buf.readBigUInt64BE(2))
        at = 10
      }
      if (buf.length < at + len) return
      const payload = buf.subarray(at, at + len)
      buf = buf.subarray(at + len)
      if (opcode === 0x8) frames.push({ opcode, text: payload.subarray(2).toString(), closeCode: payload.length >= 2 ? payload.readUInt16BE(0) : undefined })
      else if (opcode === 0x1) frames.push({ opcode, text: payload.toString() })
    }
  }
  const opened = new Promise<number>((resolve, reject) => {
    sock.on('connect', () => {
      const lines = [`GET ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13']
      for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`)
      sock.write(`${lines.join('\r\n')}\r\n\r\n`)
    })
    sock.on('data', (d: Buffer) => {
      bytesRead += d.length
      buf = Buffer.concat([buf, d])
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n')
        if (end < 0) return
        status = Number(/^HTTP\/1\.1 (\d+)/.exec(buf.subarray(0, end).toString())?.[1] ?? 0)
        buf = buf.subarray(end + 4)
        upgraded = true
        resolve(status)
      }
      if (status === 101) parse()
    })
    sock.on('error', (err) => reject(err))
    sock.on('close', () => {
      ended = true
      for (const w of endWaiters) w()
    })
  })
  return {
    /** The HTTP status of the upgrade answer (101 when upgraded). */
    opened,
    frames,
    bytesRead: () => bytesRead,
    /** Stops reading: the kernel buffers fill, then the server's backlog grows. */
    pause: () => void sock.pause(),
    resume: () => void sock.resume(),
    /** Resolves when the TCP connection has ended. */
    ended: () => (ended ? Promise.resolve() : new Promise<void>((r) => endWaiters.push(r))),
    destroy: () => void sock.destroy(),
  }
}
