/**
 * Known devices (SPEC §12): a browser or app that signed in to an account successfully in the
 * last 30 days is exempt from that account's across-all-IPs login failure limit, so an attacker
 * guessing from many addresses cannot lock the owner out. A device is known by its device
 * cookie (a random id remembered in Redis per account for 30 days) or by the IP of one of the
 * account's open sessions used in the last 30 days.
 */
import type { Config } from '../platform/config'
import { nowDate } from './clock'
import { randomToken, sha256 } from './secrets'
import { hasRecentSessionFromIp } from './sessions/queries'
import type { AccountsDeps, ClientContext } from './types'

export const DEVICE_COOKIE = 'lyceum_device'
export const DEVICE_TTL_SECONDS = 30 * 24 * 3600

const DEVICE_ID = /^[A-Za-z0-9_-]{22,64}$/
const COOKIE = new RegExp(`(?:^|;)\\s*${DEVICE_COOKIE}=([^;]*)`)

/** The device id the request's cookie carries, if it is well-formed. */
export function deviceIdFrom(request: Request): string | null {
  const m = request.headers.get('cookie')?.match(COOKIE)
  const id = m?.[1]?.trim()
  return id && DEVICE_ID.test(id) ? id : null
}

const deviceKey = (deps: Pick<AccountsDeps, 'keys'>, userId: string, deviceId: string) => deps.keys('acct', 'device', userId, sha256(deviceId))

/**
 * Records a successful sign-in of `userId` from the request's device (a new id when it has
 * none) and returns the id for the device cookie; the record and the cookie live 30 days.
 */
export async function rememberDevice(deps: Pick<AccountsDeps, 'redis' | 'keys'>, userId: string, ctx: ClientContext): Promise<string> {
  const id = ctx.deviceId ?? randomToken(24)
  await deps.redis.set(deviceKey(deps, userId, id), '1', { EX: DEVICE_TTL_SECONDS })
  return id
}

/** Whether the request comes from a device that signed in to `userId` in the last 30 days. */
export async function isKnownDevice(deps: Pick<AccountsDeps, 'redis' | 'keys' | 'sql'>, userId: string, ctx: ClientContext): Promise<boolean> {
  if (ctx.deviceId && (await deps.redis.exists(deviceKey(deps, userId, ctx.deviceId)))) return true
  const since = new Date(nowDate().getTime() - DEVICE_TTL_SECONDS * 1000)
  return hasRecentSessionFromIp(deps.sql, userId, ctx.ip, since, nowDate())
}

/** Elysia cookie options of the device cookie: sent only to the auth routes, never readable by scripts. */
export const deviceCookie = (config: Pick<Config, 'NODE_ENV'>, value: string) => ({
  value,
  path: '/api/v1/auth',
  maxAge: DEVICE_TTL_SECONDS,
  httpOnly: true,
  sameSite: 'lax' as const,
  secure: config.NODE_ENV === 'production',
})
