import type { Socket } from 'bun'

type Side = { socket?: Socket<Pipe>; out: Uint8Array[]; closed: boolean }
type Pipe = { client: Side; server: Side }

/**
 * A TCP proxy in front of a real server (Postgres, Redis) that can be stalled: while stalled it
 * accepts connections and bytes but forwards nothing either way (a frozen network path), and new
 * connections are not opened upstream. `resume()` forwards what was held. When one side closes,
 * the other is closed and anything still held for it is dropped (as a reset connection would).
 */
export async function stallableProxy(target: { host?: string; port: number }) {
  let stalled = false
  const pipes = new Set<Pipe>()
  const flush = (side: Side) => {
    while (!stalled && side.socket && !side.closed && side.out.length) {
      const chunk = side.out[0]!
      const n = side.socket.write(chunk)
      if (n < chunk.length) {
        side.out[0] = chunk.subarray(Math.max(0, n))
        return
      }
      side.out.shift()
    }
  }
  const closeBoth = (p: Pipe) => {
    for (const s of [p.client, p.server]) {
      s.out = []
      if (!s.closed) {
        s.closed = true
        s.socket?.end()
      }
    }
    pipes.delete(p)
  }
  const openUpstream = async (p: Pipe) => {
    if (p.server.socket || p.server.closed) return
    try {
      await Bun.connect<Pipe>({
        hostname: target.host ?? '127.0.0.1',
        port: target.port,
        data: p,
        socket: {
          open(s) { p.server.socket = s; flush(p.server) },
          data(_s, d) { p.client.out.push(new Uint8Array(d)); flush(p.client) },
          drain() { flush(p.server) },
          close() { closeBoth(p) },
          error() { closeBoth(p) },
          connectError() { closeBoth(p) },
        },
      })
    } catch {
      closeBoth(p)
    }
  }
  const listener = Bun.listen<Pipe>({
    hostname: '127.0.0.1',
    port: 0,
    socket: {
      open(s) {
        const p: Pipe = { client: { socket: s, out: [], closed: false }, server: { out: [], closed: false } }
        s.data = p
        pipes.add(p)
        if (!stalled) void openUpstream(p)
      },
      data(s, d) { s.data.server.out.push(new Uint8Array(d)); flush(s.data.server) },
      drain(s) { flush(s.data.client) },
      close(s) { closeBoth(s.data) },
      error(s) { closeBoth(s.data) },
    },
  })
  return {
    port: listener.port,
    /** Stops forwarding (bytes are held, connections accepted but not opened upstream). */
    stall() { stalled = true },
    /** Forwards everything held and opens held connections upstream. */
    resume() {
      stalled = false
      for (const p of pipes) {
        if (!p.server.socket) void openUpstream(p)
        flush(p.server)
        flush(p.client)
      }
    },
    /** Number of client connections currently open through the proxy. */
    get connections() { return pipes.size },
    close() {
      for (const p of [...pipes]) closeBoth(p)
      listener.stop(true)
    },
  }
}
