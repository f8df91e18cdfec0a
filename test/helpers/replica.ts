import type { Subprocess } from 'bun'
import { freePort, onClose, waitFor } from './app'

/**
 * A second API as a real process on a free port, sharing this run's database and Redis
 * prefix (so it shares data and pub/sub). Killed at the end of the run if still alive.
 */
export async function spawnReplica(env: Record<string, string> = {}) {
  const port = freePort()
  const proc: Subprocess = Bun.spawn([process.execPath, 'src/index.ts'], { env: { ...process.env, ...env, PORT: String(port) }, stdout: 'ignore', stderr: 'inherit' })
  onClose(() => { if (proc.exitCode === null && !proc.killed) proc.kill('SIGKILL') })
  await waitFor(() => fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.ok).catch(() => false), { timeoutMs: 20000, what: 'second replica ready' })
  return { proc, port, http: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}` }
}
