/**
 * SPEC §12 "Credentials under attack": login failures per (account, IP) and per account, with
 * the known-device exemption. Every app here trusts X-Forwarded-For so each test picks its IPs.
 */
import { beforeAll, describe, expect, test } from 'bun:test'
import { call, testAppWith } from '../helpers/app'
import { uniqueEmail } from '../helpers/factories'
import { PASSWORD, randomIp, register } from './helpers'

type App = Awaited<ReturnType<typeof testAppWith>>
let api: App
let replica: App
beforeAll(async () => {
  // Two apps on the same Redis prefix stand for two replicas behind a load balancer.
  ;[api, replica] = await Promise.all([testAppWith({ TRUST_PROXY: '1' }), testAppWith({ TRUST_PROXY: '1' })])
})

const loginFrom = (ip: string, email: string, password: string, opts: { cookie?: string; app?: App } = {}) =>
  call('POST', '/api/v1/auth/login', { body: { email, password }, headers: { 'x-forwarded-for': ip, ...(opts.cookie ? { cookie: opts.cookie } : {}) } }, (opts.app ?? api).app)

/** `n` wrong-password logins from `ip`, in parallel batches; returns their statuses. */
async function failures(ip: string, email: string, n: number, app?: App) {
  return Promise.all(Array.from({ length: n }, (_, i) => loginFrom(ip, email, `wrong-password-${i}`, { app }).then((r) => r.status)))
}

/** The `name=value` part of a Set-Cookie header for `name`, if the response set it. */
function cookieFrom(headers: Headers, name: string) {
  const c = headers.getSetCookie().find((h) => h.startsWith(`${name}=`))
  return c ? { pair: c.split(';')[0]!, attrs: c } : null
}

describe('login failures per (account, IP)', () => {
  test('the 10th failure answers 401, the 11th 429 with Retry-After, even with the right password', async () => {
    const u = await register()
    const ip = randomIp()
    expect(await failures(ip, u.email, 9)).toEqual(Array(9).fill(401))
    const tenth = await loginFrom(ip, u.email, 'wrong-password-x')
    expect(tenth.status).toBe(401)
    expect(tenth.body.error.code).toBe('invalid_credentials')
    const eleventh = await loginFrom(ip, u.email, PASSWORD)
    expect(eleventh.status).toBe(429)
    expect(eleventh.body.error.code).toBe('rate_limited')
    const retry = Number(eleventh.headers.get('retry-after'))
    expect(retry).toBeGreaterThan(14 * 60)
    expect(retry).toBeLessThanOrEqual(15 * 60)
    const metrics = (await call('GET', '/metrics', {}, api.app)).text
    expect(metrics).toMatch(/^lyceum_rate_limited_total\{limit="login-fail-account-ip"\} [1-9]/m)
    // Only that pair is limited: the owner elsewhere, and another account from that IP, log in.
    expect((await loginFrom(randomIp(), u.email, PASSWORD)).status).toBe(200)
    const other = await register()
    expect((await loginFrom(ip, other.email, PASSWORD)).status).toBe(200)
  })

  test('failures from many IPs do not lock the owner out (tries are counted only when they fail)', async () => {
    const u = await register()
    for (let i = 0; i < 11; i++) expect((await loginFrom(randomIp(), u.email, `bogus-${i}-password`)).status).toBe(401)
    expect((await loginFrom(randomIp(), u.email, PASSWORD)).status).toBe(200)
  })

  test('successful logins never count', async () => {
    const u = await register()
    const ip = randomIp()
    // One after the other: a try in flight holds its unit until its password is checked.
    for (let i = 0; i < 12; i++) expect((await loginFrom(ip, u.email, PASSWORD)).status).toBe(200)
    expect(await failures(ip, u.email, 10)).toEqual(Array(10).fill(401))
  })

  test('parallel guesses from one pair cannot get past 10', async () => {
    const email = uniqueEmail('burst')
    const statuses = await failures(randomIp(), email, 25)
    expect(statuses.filter((s) => s === 401)).toHaveLength(10)
    expect(statuses.filter((s) => s === 429)).toHaveLength(15)
  })

  test('an unknown email is limited exactly like a real one (no account enumeration)', async () => {
    const ip = randomIp()
    const email = uniqueEmail('ghost')
    expect(await failures(ip, email, 10)).toEqual(Array(10).fill(401))
    expect((await loginFrom(ip, email, PASSWORD)).status).toBe(429)
  })

  test('the counters are shared by every replica (Redis)', async () => {
    const u = await register()
    const ip = randomIp()
    expect(await failures(ip, u.email, 5, api)).toEqual(Array(5).fill(401))
    expect(await failures(ip, u.email, 5, replica)).toEqual(Array(5).fill(401))
    expect((await loginFrom(ip, u.email, PASSWORD, { app: api })).status).toBe(429)
    expect((await loginFrom(ip, u.email, PASSWORD, { app: replica })).status).toBe(429)
  })
})

describe('login failures per account (50 per hour) and the known-device exemption', () => {
  test('after 50 failures from anywhere a new device gets 429; known devices still log in', async () => {
    const u = await register()
    // The owner signed in before: from a browser (device cookie) and from a phone whose session is still open.
    const browser = await loginFrom(randomIp(), u.email, PASSWORD)
    expect(browser.status).toBe(200)
    const device = cookieFrom(browser.headers, 'lyceum_device')!
    expect(device).not.toBeNull()
    expect(device.attrs).toContain('HttpOnly')
    expect(device.attrs).toContain('SameSite=Lax')
    expect(device.attrs).toContain('Path=/api/v1/auth')
    expect(device.attrs).toMatch(/Max-Age=2592000/)
    const phoneIp = randomIp()
    expect((await loginFrom(phoneIp, u.email, PASSWORD)).status).toBe(200)

    // An attacker spreads 50 guesses over 5 addresses (10 each: under the per-pair limit).
    for (let k = 0; k < 5; k++) expect(await failures(randomIp(), u.email, 10)).toEqual(Array(10).fill(401))
    const blocked = await loginFrom(randomIp(), u.email, PASSWORD)
    expect(blocked.status).toBe(429)
    expect(blocked.body.error.code).toBe('rate_limited')
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(50 * 60)
    expect((await loginFrom(randomIp(), u.email, 'attacker-guess-51')).status).toBe(429)

    // The owner: from the browser with its device cookie (any IP), and from the phone's IP.
    expect((await loginFrom(randomIp(), u.email, PASSWORD, { cookie: device.pair })).status).toBe(200)
    expect((await loginFrom(phoneIp, u.email, PASSWORD)).status).toBe(200)
    // A made-up or another account's device cookie does not help.
    const other = await register()
    const otherDevice = cookieFrom((await loginFrom(randomIp(), other.email, PASSWORD)).headers, 'lyceum_device')!
    expect((await loginFrom(randomIp(), u.email, PASSWORD, { cookie: otherDevice.pair })).status).toBe(429)
    expect((await loginFrom(randomIp(), u.email, PASSWORD, { cookie: 'lyceum_device=made-up-device-id-0000000000' })).status).toBe(429)
  })

  test('a browser keeps one device cookie across the accounts it signs in to', async () => {
    const a = await register()
    const b = await register()
    const first = cookieFrom((await loginFrom(randomIp(), a.email, PASSWORD)).headers, 'lyceum_device')!
    const second = cookieFrom((await loginFrom(randomIp(), b.email, PASSWORD, { cookie: first.pair })).headers, 'lyceum_device')!
    expect(second.pair).toBe(first.pair)
  })
})

describe('the limits are settings', () => {
  test('LIMIT_LOGIN_FAILURES_PER_ACCOUNT_IP / _PER_ACCOUNT set the numbers; 0 turns them off', async () => {
    const strict = await testAppWith({ TRUST_PROXY: '1', LIMIT_LOGIN_FAILURES_PER_ACCOUNT_IP: '2', LIMIT_LOGIN_FAILURES_PER_ACCOUNT: '3' })
    const u = await register()
    const ip = randomIp()
    expect(await failures(ip, u.email, 2, strict)).toEqual([401, 401])
    expect((await loginFrom(ip, u.email, PASSWORD, { app: strict })).status).toBe(429)
    expect((await loginFrom(randomIp(), u.email, 'wrong-password-3', { app: strict })).status).toBe(401)
    expect((await loginFrom(randomIp(), u.email, PASSWORD, { app: strict })).status).toBe(429)

    const off = await testAppWith({ TRUST_PROXY: '1', LIMIT_LOGIN_FAILURES_PER_ACCOUNT_IP: '0', LIMIT_LOGIN_FAILURES_PER_ACCOUNT: '0' })
    const v = await register()
    const ip2 = randomIp()
    expect(await failures(ip2, v.email, 12, off)).toEqual(Array(12).fill(401))
    expect((await loginFrom(ip2, v.email, PASSWORD, { app: off })).status).toBe(200)
  })
})
