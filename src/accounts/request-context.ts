import { requestInfo } from '../platform/http/request-id'
import { deviceIdFrom } from './devices'
import type { ClientContext } from './types'

/** The client IP (proxy-aware, from the platform), a short device label from User-Agent and the device cookie's id. */
export function clientContext(request: Request): ClientContext {
  const ua = request.headers.get('user-agent')
  return { ip: requestInfo(request)?.ip ?? '127.0.0.1', device: ua ? ua.slice(0, 200) : null, deviceId: deviceIdFrom(request) }
}
