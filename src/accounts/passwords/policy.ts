import { weakPassword } from '../errors'

const list = await Bun.file(new URL('./common-passwords.txt', import.meta.url)).text()
const COMMON = new Set(list.split('\n').map((s) => s.trim().toLowerCase()).filter(Boolean))

export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 128

/** Rejects (422) a password that is too short, too long or among the shipped common passwords. */
export function assertPasswordAllowed(password: string, field = 'password') {
  const len = [...password].length
  if (len < PASSWORD_MIN || len > PASSWORD_MAX) throw weakPassword(field, `Password must be ${PASSWORD_MIN}–${PASSWORD_MAX} characters`)
  if (COMMON.has(password.toLowerCase())) throw weakPassword(field, 'This password is too common; choose another one')
}

/** Argon2id with OWASP's minimum (19 MiB, t=2): ~40 ms on Bun's thread pool, off the event loop. */
export const hashPassword = (password: string) => Bun.password.hash(password, { algorithm: 'argon2id', memoryCost: 19456, timeCost: 2 })

// Verified against for unknown emails and password-less accounts so that those answers take
// as long as a real wrong-password check. Computed at start-up so even the first one is not slower.
let dummy: Promise<string> | undefined
const dummyHash = () => (dummy ??= hashPassword(`dummy-${crypto.randomUUID()}`))
void dummyHash()

/** Checks `password` against `hash`; without a hash, spends the same time and fails. */
export async function verifyPassword(password: string, hash: string | null | undefined): Promise<boolean> {
  if (!hash) {
    await Bun.password.verify(password, await dummyHash()).catch(() => false)
    return false
  }
  return Bun.password.verify(password, hash).catch(() => false)
}
