import { freePort, waitFor } from './app'

/**
 * A private redis-server on a free port, for tests that stop and restart Redis without
 * disturbing anything else that uses 6379. Killed with `stop()` (call it in afterAll).
 */
export function privateRedis() {
  const port = freePort()
  const spawn = () => Bun.spawn(['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdout: 'ignore', stderr: 'ignore' })
  let proc = spawn()
  const ready = () => waitFor(() => Bun.spawnSync(['redis-cli', '-p', String(port), 'ping']).stdout.toString().includes('PONG'), { what: `redis on ${port}` })
  return {
    url: `redis://127.0.0.1:${port}`,
    ready,
    /** Kills it at once (SIGKILL) and waits for the process to end. */
    async kill() {
      proc.kill('SIGKILL')
      await proc.exited
    },
    /** Starts it again on the same port (empty: it keeps nothing) and waits until it answers. */
    async restart() {
      proc = spawn()
      await ready()
    },
    stop: () => proc.kill(),
  }
}
