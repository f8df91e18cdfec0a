/**
 * SPEC §12: TOTP secrets are encrypted at rest (AES-256-GCM under DATA_ENCRYPTION_KEY) and
 * recovery codes are stored as keyed hashes; rows written before (plaintext seeds, SHA-256
 * recovery codes) keep working and end up sealed/keyed.
 */
import { describe, expect, test } from 'bun:test'
import { TOTP, Secret } from 'otpauth'
import { randomBytes } from 'node:crypto'
import { call, testApp, testAppWith } from '../helpers/app'
import { uniqueEmail } from '../helpers/factories'
import { sha256 } from '../../src/accounts/secrets'
import { sealLegacyMfaSecrets } from '../../src/accounts/public'
import { dataKeyOf, open } from '../../src/platform/crypto'
import { PASSWORD, login, register } from './helpers'

const totpCode = (secret: string, offsetSteps = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret), period: 30, digits: 6 }).generate({ timestamp: Date.now() + offsetSteps * 30_000 })
const verify = (challenge_token: string, code: string) => call('POST', '/api/v1/auth/mfa/verify', { body: { challenge_token, code } })
const normalize = (code: string) => code.toLowerCase().replace(/[\s-]/g, '')

/** A user with TOTP on, written the way the code before SPEC §12 wrote it (plaintext seed, SHA-256 recovery codes). */
async function legacyTotpUser() {
  const { deps } = await testApp()
  const secret = new Secret({ size: 20 }).base32
  const email = uniqueEmail('legacy')
  const hash = await Bun.password.hash(PASSWORD, { algorithm: 'argon2id', memoryCost: 4096, timeCost: 1 })
  const [user] = await deps.sql<{ id: string }[]>`
    insert into users (email, password_hash, display_name, totp_secret, totp_enabled_at)
    values (${email}, ${hash}, 'Legacy', ${secret}, now()) returning id`
  const codes = ['abcde-fghij', 'klmno-pqrst']
  for (const c of codes) await deps.sql`insert into recovery_codes (user_id, code_hash) values (${user!.id}, ${sha256(normalize(c))})`
  return { id: user!.id, email, secret, codes }
}

async function storedTotp(userId: string) {
  const { deps } = await testApp()
  const [row] = await deps.sql<{ totp_secret: string | null; totp_secret_enc: string | null }[]>`select totp_secret, totp_secret_enc from users where id = ${userId}`
  return row!
}

describe('TOTP secrets at rest', () => {
  test('setup stores the seed only sealed with AES-256-GCM under DATA_ENCRYPTION_KEY; recovery codes only as keyed hashes', async () => {
    const { deps } = await testApp()
    const u = await register()
    const s = await call('POST', '/api/v1/auth/mfa/totp/setup', { token: u.tokens.access_token, body: { password: PASSWORD } })
    const pending = await storedTotp(u.user.id)
    expect(pending.totp_secret).toBeNull()
    expect(pending.totp_secret_enc).toStartWith('v1:')
    expect(pending.totp_secret_enc).not.toContain(s.body.secret)
    expect(open(dataKeyOf(deps.config), pending.totp_secret_enc!, `users.totp_secret:${u.user.id}`)).toBe(s.body.secret)

    const c = await call('POST', '/api/v1/auth/mfa/totp/confirm', { token: u.tokens.access_token, body: { code: totpCode(s.body.secret) } })
    expect(c.status).toBe(200)
    const rows = await deps.sql<{ code_hash: string }[]>`select code_hash from recovery_codes where user_id = ${u.user.id}`
    expect(rows).toHaveLength(10)
    const plainHashes = new Set((c.body.recovery_codes as string[]).map((code) => sha256(normalize(code))))
    for (const r of rows) expect(plainHashes.has(r.code_hash)).toBe(false)

    // And both still work at login.
    const l = await login(u.email, PASSWORD)
    expect((await verify(l.body.challenge_token, totpCode(s.body.secret, 1))).status).toBe(200)
    const l2 = await login(u.email, PASSWORD)
    expect((await verify(l2.body.challenge_token, c.body.recovery_codes[3])).status).toBe(200)
  })

  test('a legacy plaintext seed still verifies and is sealed on first use; legacy recovery codes still work once', async () => {
    const u = await legacyTotpUser()
    const l = await login(u.email, PASSWORD)
    expect(l.body).toMatchObject({ mfa_required: true, methods: ['totp'] })
    expect((await verify(l.body.challenge_token, totpCode(u.secret))).status).toBe(200)
    const after = await storedTotp(u.id)
    expect(after.totp_secret).toBeNull()
    expect(after.totp_secret_enc).toStartWith('v1:')
    const l2 = await login(u.email, PASSWORD)
    expect((await verify(l2.body.challenge_token, u.codes[0]!)).status).toBe(200)
    const l3 = await login(u.email, PASSWORD)
    expect((await verify(l3.body.challenge_token, u.codes[0]!)).body.error.code).toBe('invalid_code')
  })

  test('the start-up backfill seals every legacy seed and keys every legacy recovery code, once', async () => {
    const { deps } = await testApp()
    const a = await legacyTotpUser()
    const b = await legacyTotpUser()
    const done = await sealLegacyMfaSecrets(deps)
    expect(done.totp).toBeGreaterThanOrEqual(2)
    expect(done.recovery_codes).toBeGreaterThanOrEqual(4)
    for (const u of [a, b]) {
      const row = await storedTotp(u.id)
      expect(row.totp_secret).toBeNull()
      expect(row.totp_secret_enc).toStartWith('v1:')
      const hashes = await deps.sql<{ code_hash: string }[]>`select code_hash from recovery_codes where user_id = ${u.id}`
      expect(hashes.map((h) => h.code_hash)).not.toContain(sha256(normalize(u.codes[0]!)))
    }
    const [{ n }] = await deps.sql`select count(*)::int as n from users where totp_secret is not null`
    expect(n).toBe(0)
    expect(await sealLegacyMfaSecrets(deps)).toEqual({ totp: 0, recovery_codes: 0 })
    // Both factors still complete a login.
    const l = await login(a.email, PASSWORD)
    expect((await verify(l.body.challenge_token, totpCode(a.secret))).status).toBe(200)
    const l2 = await login(b.email, PASSWORD)
    expect((await verify(l2.body.challenge_token, b.codes[1]!.toUpperCase())).status).toBe(200)
  })

  test('under another DATA_ENCRYPTION_KEY a sealed seed is never accepted: 401 invalid_code, not a 500', async () => {
    const u = await register()
    const s = await call('POST', '/api/v1/auth/mfa/totp/setup', { token: u.tokens.access_token, body: { password: PASSWORD } })
    const c = await call('POST', '/api/v1/auth/mfa/totp/confirm', { token: u.tokens.access_token, body: { code: totpCode(s.body.secret) } })
    const rotated = await testAppWith({ DATA_ENCRYPTION_KEY: randomBytes(32).toString('hex') })
    const l = await call('POST', '/api/v1/auth/login', { body: { email: u.email, password: PASSWORD } }, rotated.app)
    const viaTotp = await call('POST', '/api/v1/auth/mfa/verify', { body: { challenge_token: l.body.challenge_token, code: totpCode(s.body.secret, 1) } }, rotated.app)
    expect(viaTotp.status).toBe(401)
    expect(viaTotp.body.error.code).toBe('invalid_code')
    const viaRecovery = await call('POST', '/api/v1/auth/mfa/verify', { body: { challenge_token: l.body.challenge_token, code: c.body.recovery_codes[0] } }, rotated.app)
    expect(viaRecovery.status).toBe(401)
  })

  test('disabling MFA removes the sealed seed', async () => {
    const u = await register()
    const s = await call('POST', '/api/v1/auth/mfa/totp/setup', { token: u.tokens.access_token, body: { password: PASSWORD } })
    await call('POST', '/api/v1/auth/mfa/totp/confirm', { token: u.tokens.access_token, body: { code: totpCode(s.body.secret) } })
    const r = await call('POST', '/api/v1/auth/mfa/disable', { token: u.tokens.access_token, body: { password: PASSWORD, code: totpCode(s.body.secret, 1) } })
    expect(r.status).toBe(200)
    expect(await storedTotp(u.user.id)).toEqual({ totp_secret: null, totp_secret_enc: null })
  })
})
