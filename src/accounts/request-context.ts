import { requestInfo } from '../platform/http/request-id'
import type { ClientContext } from './types'

/** The client IP (proxy-aware, from the platform) and a short device label from User-Agent. */
export function clientContext(request: Request): ClientContext {
  const ua = request.headers.get('user-agent')
  return { ip: requestInfo(request)?.ip ?? '127.0.0.1', device: ua ? ua.slice(0, 200) : null }
}
