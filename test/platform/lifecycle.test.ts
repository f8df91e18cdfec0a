import { expect, test } from 'bun:test'
import { freePort, waitFor } from '../helpers/app'


test('SIGTERM lets an in-flight request finish, then the process exits 0', async () => {
  const port = freePort()
  const proc = Bun.spawn(['bun', 'test/fixtures/slow-server.ts'], { env: { ...process.env, PORT: String(port), SLOW_MS: '1500' }, stdout: 'pipe', stderr: 'inherit' })
  await waitFor(() => fetch(`http://127.0.0.1:${port}/health/live`).then((r) => r.ok).catch(() => false), { timeoutMs: 15000, what: 'server up' })
  const inFlight = fetch(`http://127.0.0.1:${port}/slow`)
  await Bun.sleep(300) // let the request reach the handler before the signal
  proc.kill('SIGTERM')
  const res = await inFlight
  expect(res.status).toBe(200)
  expect(await res.json()).toEqual({ done: true })
  expect(await proc.exited).toBe(0)
  // After the drain nothing listens any more.
  expect(await fetch(`http://127.0.0.1:${port}/health/live`).then(() => 'up', () => 'down')).toBe('down')
})

test('a bad setting stops start-up with one line naming every offending variable', async () => {
  const proc = Bun.spawn(['bun', 'src/index.ts'], {
    env: { ...process.env, PORT: 'not-a-port', ACCESS_TOKEN_TTL: '-5', NODE_ENV: 'production', PUBLIC_URL: '', JWT_SECRET: 'short-but-16-chars' },
    stdout: 'pipe', stderr: 'pipe',
  })
  expect(await proc.exited).toBe(1)
  const err = (await new Response(proc.stderr).text()).trim()
  expect(err.split('\n')).toHaveLength(1)
  expect(err).toContain('PORT')
  expect(err).toContain('ACCESS_TOKEN_TTL')
})
