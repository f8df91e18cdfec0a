import type { Socket } from 'bun'

type Side = { peer?: Socket<Side>; pending: Uint8Array[] }

/**
 * A TCP proxy in front of a real server that a test can cut: `cut()` drops every open
 * connection at once (as a lost Wi-Fi link would), while new connections keep working.
 */
export async function tcpProxy(targetPort: number, host = '127.0.0.1') {
  const open = new Set<Socket<Side>>()
  let blocked = false
  const forward = (to: Socket<Side> | undefined, pending: Uint8Array[], data: Uint8Array) => {
    if (to) to.write(data)
    else pending.push(new Uint8Array(data))
  }
  const server = Bun.listen<Side>({
    hostname: host,
    port: 0,
    socket: {
      open(client) {
        client.data = { pending: [] }
        if (blocked) return void client.terminate()
        open.add(client)
        void Bun.connect<Side>({
          hostname: host,
          port: targetPort,
          socket: {
            open(upstream) {
              upstream.data = { peer: client, pending: [] }
              client.data.peer = upstream
              open.add(upstream)
              for (const chunk of client.data.pending) upstream.write(chunk)
              client.data.pending = []
            },
            data: (upstream, chunk) => forward(upstream.data.peer, upstream.data.pending, chunk),
            close(upstream) {
              open.delete(upstream)
              upstream.data.peer?.end()
            },
            error: (upstream) => void upstream.end(),
          },
        }).catch(() => client.end())
      },
      data: (client, chunk) => forward(client.data.peer, client.data.pending, chunk),
      close(client) {
        open.delete(client)
        client.data.peer?.end()
      },
      error: (client) => void client.end(),
    },
  })
  return {
    port: server.port!,
    url: `http://${host}:${server.port}`,
    /** Drops every connection through the proxy right now. */
    cut() {
      for (const s of [...open]) s.terminate()
      open.clear()
    },
    /** While blocked, new connections are dropped at once (the network is down). */
    block() {
      blocked = true
      this.cut()
    },
    unblock() {
      blocked = false
    },
    stop() {
      this.cut()
      server.stop(true)
    },
  }
}
