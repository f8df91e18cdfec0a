/**
 * A private local Redis Cluster of three masters (no replicas) started from the installed
 * `redis-server`, for the cluster-mode test pass (TEST_REDIS_CLUSTER=1) and the benches.
 * Each node listens on a free port P whose bus port P+10000 is free too; the slots are
 * assigned by `redis-cli --cluster create`, and the cluster is ready at `cluster_state:ok`.
 * Standalone (imports nothing of the app) so that test/setup.ts can use it before the
 * configuration is loaded.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

function portFree(port: number): boolean {
  try {
    const s = Bun.listen({ hostname: '127.0.0.1', port, socket: { data() {} } })
    s.stop(true)
    return true
  } catch {
    return false
  }
}

/** A port P with P and P+10000 (the cluster bus) free, not one of `taken`. */
function freeClusterPort(taken: Set<number>): number {
  for (let i = 0; i < 200; i++) {
    const port = 20000 + Math.floor(Math.random() * 35000)
    if (taken.has(port) || taken.has(port + 10000) || taken.has(port - 10000)) continue
    if (portFree(port) && portFree(port + 10000)) return port
  }
  throw new Error('no free port pair for a Redis Cluster node')
}

const cli = (args: string[]) => {
  const r = Bun.spawnSync(['redis-cli', ...args], { stdout: 'pipe', stderr: 'pipe' })
  return { ok: r.exitCode === 0, out: r.stdout.toString() + r.stderr.toString() }
}

async function until(what: string, check: () => boolean, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) throw new Error(`redis cluster: timed out waiting for ${what}`)
    await Bun.sleep(50)
  }
}

export type LocalCluster = {
  ports: number[]
  /** `127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3`, the value of REDIS_CLUSTER_NODES. */
  nodes: string
  /** The process ids of the nodes (for CPU accounting in benches). */
  pids: number[]
  stop(): Promise<void>
}

export async function startRedisCluster(opts: { masters?: number } = {}): Promise<LocalCluster> {
  const masters = opts.masters ?? 3
  const dir = mkdtempSync(join(tmpdir(), 'lyceum-redis-cluster-'))
  const taken = new Set<number>()
  const ports: number[] = []
  for (let i = 0; i < masters; i++) {
    const p = freeClusterPort(taken)
    taken.add(p).add(p + 10000)
    ports.push(p)
  }
  const procs = ports.map((port) =>
    Bun.spawn(
      ['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes',
        '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--dir', dir, '--save', '', '--appendonly', 'no'],
      { stdout: 'ignore', stderr: 'ignore' },
    ),
  )
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    for (const p of procs) p.kill()
    await Promise.all(procs.map((p) => p.exited))
    rmSync(dir, { recursive: true, force: true })
  }
  // A test run that dies must not leave the nodes behind.
  process.once('exit', () => {
    if (!stopped) for (const p of procs) p.kill('SIGKILL')
  })
  try {
    await until('nodes to answer', () => ports.every((p) => cli(['-p', String(p), 'ping']).out.includes('PONG')))
    const created = cli(['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'])
    if (!created.ok) throw new Error(`redis-cli --cluster create failed: ${created.out.slice(-500)}`)
    await until('cluster_state:ok', () => ports.every((p) => cli(['-p', String(p), 'cluster', 'info']).out.includes('cluster_state:ok')))
  } catch (err) {
    await stop()
    throw err
  }
  return { ports, nodes: ports.map((p) => `127.0.0.1:${p}`).join(','), pids: procs.map((p) => p.pid), stop }
}
