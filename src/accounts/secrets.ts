/** Random secrets and their stored form. Only hashes are ever written to Postgres or Redis. */
import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto'

/** A URL-safe random token (refresh tokens, email tokens, login codes). */
export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url')

/** SHA-256 hex: enough for high-entropy secrets (they cannot be guessed offline). */
export const sha256 = (s: string) => new Bun.CryptoHasher('sha256').update(s).digest('hex')

/** A 6-digit code, uniformly random, with leading zeros. */
export const sixDigitCode = () => String(randomInt(0, 1_000_000)).padStart(6, '0')

/** Constant-time comparison of two hex hashes. */
export function sameHash(a: string, b: string) {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
