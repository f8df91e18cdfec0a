import { describe, expect, test } from 'bun:test'
import { freePort, readUntil, waitFor } from '../helpers/app'
import { ConfigError, dataEncryptionKey, KNOWN_SECRETS, loadConfig } from '../../src/platform/config'

const random = (bytes = 32) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex')

/** Settings a real production deployment would give (fresh random secrets). */
const goodProduction = () => ({
  NODE_ENV: 'production',
  PUBLIC_URL: 'https://lyceum.example',
  JWT_SECRET: random(),
  STRIPE_SECRET_KEY: `sk_live_${random(16)}`,
  STRIPE_WEBHOOK_SECRET: `whsec_${random(16)}`,
  DATA_ENCRYPTION_KEY: random(),
  METRICS_TOKEN: random(),
})

const refusal = (env: Record<string, string | undefined>) => {
  try {
    loadConfig(env)
  } catch (err) {
    if (err instanceof ConfigError) return err.message
    throw err
  }
  return null
}

describe('refusing unsafe production settings (config)', () => {
  test('good production settings load', () => {
    expect(refusal(goodProduction())).toBeNull()
  })

  test('every repository-known JWT_SECRET is refused, even when long enough', () => {
    for (const known of KNOWN_SECRETS.jwt) {
      expect(new TextEncoder().encode(known).length).toBeGreaterThanOrEqual(32)
      expect(refusal({ ...goodProduction(), JWT_SECRET: known })).toContain('JWT_SECRET')
    }
    expect(refusal({ ...goodProduction(), JWT_SECRET: 'a'.repeat(31) })).toContain('JWT_SECRET')
  })

  test('missing or dev-default Stripe secrets are refused unless PAYMENTS_ENABLED=false', () => {
    const { STRIPE_SECRET_KEY: _k, STRIPE_WEBHOOK_SECRET: _w, ...noStripe } = goodProduction()
    const msg = refusal(noStripe)!
    expect(msg).toContain('STRIPE_SECRET_KEY')
    expect(msg).toContain('STRIPE_WEBHOOK_SECRET')
    expect(refusal({ ...goodProduction(), STRIPE_SECRET_KEY: 'sk_test_lyceum_local' })).toContain('STRIPE_SECRET_KEY')
    expect(refusal({ ...goodProduction(), STRIPE_WEBHOOK_SECRET: 'whsec_lyceum_local' })).toContain('STRIPE_WEBHOOK_SECRET')
    for (const known of KNOWN_SECRETS.stripe) {
      const m = refusal({ ...goodProduction(), STRIPE_SECRET_KEY: known, STRIPE_WEBHOOK_SECRET: known })!
      expect(m).toContain('STRIPE_SECRET_KEY')
      expect(m).toContain('STRIPE_WEBHOOK_SECRET')
    }
    expect(refusal({ ...noStripe, PAYMENTS_ENABLED: 'false' })).toBeNull()
    expect(loadConfig({ ...noStripe, PAYMENTS_ENABLED: 'false' }).PAYMENTS_ENABLED).toBe(false)
  })

  test('DATA_ENCRYPTION_KEY: required in production, 32 bytes as hex or base64 everywhere, dev key only outside production', () => {
    const { DATA_ENCRYPTION_KEY: _d, ...noKey } = goodProduction()
    expect(refusal(noKey)).toContain('DATA_ENCRYPTION_KEY')
    const bytes = crypto.getRandomValues(new Uint8Array(32))
    const hex = Buffer.from(bytes).toString('hex')
    const b64 = Buffer.from(bytes).toString('base64')
    expect(dataEncryptionKey(loadConfig({ ...noKey, DATA_ENCRYPTION_KEY: hex }))).toEqual(bytes)
    expect(dataEncryptionKey(loadConfig({ ...noKey, DATA_ENCRYPTION_KEY: b64 }))).toEqual(bytes)
    expect(refusal({ DATA_ENCRYPTION_KEY: 'too-short' })).toContain('DATA_ENCRYPTION_KEY')
    expect(refusal({ DATA_ENCRYPTION_KEY: Buffer.from(bytes.slice(0, 16)).toString('base64') })).toContain('DATA_ENCRYPTION_KEY')
    // Zero settings still work in development and tests, with a fixed 32-byte dev key...
    const dev = dataEncryptionKey(loadConfig({}))
    expect(dev).toBeInstanceOf(Uint8Array)
    expect(dev.length).toBe(32)
    // ...which production refuses.
    expect(refusal({ ...noKey, DATA_ENCRYPTION_KEY: Buffer.from(dev).toString('hex') })).toContain('DATA_ENCRYPTION_KEY')
  })

  test('METRICS_TOKEN required in production unless METRICS_PUBLIC=true', () => {
    const { METRICS_TOKEN: _m, ...noToken } = goodProduction()
    expect(refusal(noToken)).toContain('METRICS_TOKEN')
    expect(refusal({ ...noToken, METRICS_PUBLIC: 'true' })).toBeNull()
  })

  test('outside production, zero settings still load (bun run dev)', () => {
    expect(refusal({})).toBeNull()
    expect(refusal({ NODE_ENV: 'test' })).toBeNull()
  })
})

/** Every git-tracked text file of the repository, with its content. */
async function trackedFiles() {
  const root = new URL('../..', import.meta.url).pathname
  const list = Bun.spawnSync(['git', 'ls-files', '-z'], { cwd: root, stdout: 'pipe' }).stdout.toString().split('\0').filter(Boolean)
  const out: { path: string; text: string }[] = []
  for (const path of list) {
    if (/\.(png|jpe?g|webp|gif|ttf|pdf|lock|ico)$/i.test(path) || path.includes('common-passwords')) continue
    const file = Bun.file(`${root}/${path}`)
    if (!(await file.exists())) continue
    out.push({ path, text: await file.text() })
  }
  return out
}

test('the list of repository-known secrets is complete (scan of every tracked file)', async () => {
  const files = await trackedFiles()
  expect(files.length).toBeGreaterThan(100)
  const jwt = new Set<string>(KNOWN_SECRETS.jwt)
  const stripe = new Set<string>(KNOWN_SECRETS.stripe)
  const missing: string[] = []
  // A value given to JWT_SECRET in env files, compose files, docs and code: `JWT_SECRET=v`,
  // `JWT_SECRET: 'v'`, `${JWT_SECRET:-v}`. Under 32 bytes it is refused by length anyway.
  const jwtValue = /JWT_SECRET["']?\s*[:=]\s*(?:\$\{JWT_SECRET:-)?["'`]?([^"'`\s,}]+)/g
  // Stripe-looking literals anywhere (a template's fixed prefix before `${…}` is not a value).
  const stripeValue = /\b((?:sk|rk)_(?:test|live)_[A-Za-z0-9_]+|whsec_[A-Za-z0-9_]+)(?![A-Za-z0-9_]|\$\{)/g
  for (const { path, text } of files) {
    for (const m of text.matchAll(jwtValue)) {
      const v = m[1]!
      if (new TextEncoder().encode(v).length >= 32 && !/^\$|^process\.|^deps\.|^config\.|random|^\w+\(/.test(v) && !jwt.has(v)) missing.push(`${path}: JWT_SECRET ${v}`)
    }
    for (const m of text.matchAll(stripeValue)) if (!stripe.has(m[1]!)) missing.push(`${path}: ${m[1]}`)
  }
  expect(missing).toEqual([])
})

describe('the real entry points refuse to start', () => {
  const spawnWith = async (entry: string, env: Record<string, string | undefined>) => {
    const proc = Bun.spawn([process.execPath, entry], { env: { ...process.env, ...env } as Record<string, string>, stdout: 'pipe', stderr: 'pipe' })
    const timer = setTimeout(() => proc.kill('SIGKILL'), 20000)
    const code = await proc.exited
    clearTimeout(timer)
    return { code, err: (await new Response(proc.stderr).text()).trim() }
  }
  const bad = {
    NODE_ENV: 'production', PUBLIC_URL: 'https://lyceum.example',
    JWT_SECRET: 'dev-only-insecure-secret-change-me-0123456789',
    STRIPE_SECRET_KEY: 'sk_test_lyceum_local', STRIPE_WEBHOOK_SECRET: '',
    DATA_ENCRYPTION_KEY: '', METRICS_TOKEN: '', METRICS_PUBLIC: '', PAYMENTS_ENABLED: '',
  }
  const offenders = ['JWT_SECRET', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'DATA_ENCRYPTION_KEY', 'METRICS_TOKEN']

  for (const entry of ['src/index.ts', 'workers/index.ts']) {
    test(`${entry}: exit 1 with one line naming every offending variable`, async () => {
      const { code, err } = await spawnWith(entry, bad)
      expect(code).toBe(1)
      expect(err.split('\n')).toHaveLength(1)
      for (const name of offenders) expect(err).toContain(name)
      // The line names variables, never their values.
      expect(err).not.toContain('dev-only-insecure-secret')
    }, 30000)
  }

  test('src/index.ts: PAYMENTS_ENABLED=false and METRICS_PUBLIC=true drop those requirements', async () => {
    const { code, err } = await spawnWith('src/index.ts', { ...bad, JWT_SECRET: random(), DATA_ENCRYPTION_KEY: '', PAYMENTS_ENABLED: 'false', METRICS_PUBLIC: 'true' })
    expect(code).toBe(1)
    expect(err).toContain('DATA_ENCRYPTION_KEY')
    for (const name of ['JWT_SECRET', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'METRICS_TOKEN']) expect(err).not.toContain(name)
  }, 30000)

  test('good production settings: the API serves and the worker starts; both stop on SIGTERM', async () => {
    const port = freePort()
    const env = { ...goodProduction(), PORT: String(port), LOG_LEVEL: 'info', DATABASE_POOL_MAX: '2' }
    const api = Bun.spawn([process.execPath, 'src/index.ts'], { env: { ...process.env, ...env }, stdout: 'ignore', stderr: 'pipe' })
    const worker = Bun.spawn([process.execPath, 'workers/index.ts'], { env: { ...process.env, ...env }, stdout: 'pipe', stderr: 'pipe' })
    try {
      await waitFor(() => {
        if (api.exitCode !== null) throw new Error(`the API exited with ${api.exitCode}`)
        return fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.ok, () => false)
      }, { timeoutMs: 20000, what: 'production API ready' })
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`)
      expect(metrics.status).toBe(401)
      const withToken = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${env.METRICS_TOKEN}` } })
      expect(withToken.status).toBe(200)
      const out = await readUntil(worker.stdout, '"worker started"', { timeoutMs: 20000, what: 'production worker started' })
      expect(out).toContain('"worker started"')
    } finally {
      api.kill('SIGTERM')
      worker.kill('SIGTERM')
    }
    expect(await api.exited).toBe(0)
    expect(await worker.exited).toBe(0)
  }, 60000)
})
