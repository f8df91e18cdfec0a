/**
 * The memory floor for bench/ws.ts: a bare Bun.serve WebSocket server that does the least a
 * real-time server must do per socket — accept the upgrade, subscribe the socket to one topic
 * (its user) and send a `hello` frame — listening on $PORT. No auth, no database, no Redis.
 */
let n = 0
Bun.serve<{ user: string }, never>({
  port: Number(process.env.PORT),
  hostname: '127.0.0.1',
  fetch(req, server) {
    const user = req.headers.get('authorization') ?? `anon-${++n}`
    if (server.upgrade(req, { data: { user } })) return undefined
    return new Response('ok')
  },
  websocket: {
    open(ws) {
      ws.subscribe(ws.data.user)
      ws.send(JSON.stringify({ type: 'hello', data: { user_id: ws.data.user, connection_id: crypto.randomUUID(), online_user_ids: [] } }))
    },
    message() {},
  },
})
