import type { Deps } from '../platform/deps'

/** What accounts services touch. */
export type AccountsDeps = Pick<Deps, 'config' | 'sql' | 'redis' | 'keys' | 'queues' | 'hub' | 'log'>

/** Where a request came from: recorded on the session it opens; `deviceId` is the device cookie's id (accounts/devices.ts). */
export type ClientContext = { ip: string; device: string | null; deviceId?: string | null }

/** Options the composition root may pass to `accounts(deps, opts)`. */
export type AccountsOptions = {
  /** Throws (e.g. 404/422) unless `fileId` may be `userId`'s avatar; wired by src/app.ts to the files domain. */
  checkAvatar?: (userId: string, fileId: string) => Promise<void>
}
