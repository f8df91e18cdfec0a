/**
 * Encryption at rest for small secrets (e.g. TOTP seeds) with AES-256-GCM from Node's crypto,
 * under `DATA_ENCRYPTION_KEY`. A sealed value is `v1:<key id>:<base64url(iv | tag | ciphertext)>`:
 * the version names the format, the key id (first 4 bytes of SHA-256 of the key) tells a wrong
 * key from a tampered value. `aad` binds a value to its place (e.g. the user id), so a sealed
 * value copied to another row does not open there.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto'
import type { Config } from './config'

const VERSION = 'v1'
const IV_BYTES = 12
const TAG_BYTES = 16

/**
 * The key development and test use when DATA_ENCRYPTION_KEY is unset (zero-settings dev).
 * It is public: production never falls back to it.
 */
export const DEV_DATA_KEY_HEX = '6c796365756d2d6465762d6f6e6c792d646174612d6b65792d303132333435ff'

/** 32 bytes from 64 hex characters or 44 base64 characters; null for anything else. */
export function parseDataKey(value: string): Buffer | null {
  const v = value.trim()
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, 'hex')
  if (/^[A-Za-z0-9+/]{43}=$/.test(v)) {
    const b = Buffer.from(v, 'base64')
    return b.length === 32 ? b : null
  }
  return null
}

/** The data key of these settings: DATA_ENCRYPTION_KEY, or the dev key outside production. */
export function dataKeyOf(config: { NODE_ENV: Config['NODE_ENV']; DATA_ENCRYPTION_KEY?: string | undefined }): Buffer {
  if (config.DATA_ENCRYPTION_KEY) {
    const key = parseDataKey(config.DATA_ENCRYPTION_KEY)
    if (!key) throw new Error('DATA_ENCRYPTION_KEY must be 32 bytes as hex or base64')
    return key
  }
  if (config.NODE_ENV === 'production') throw new Error('DATA_ENCRYPTION_KEY is required in production')
  return Buffer.from(DEV_DATA_KEY_HEX, 'hex')
}

const keyId = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8)

/** A sub-key for one purpose (HKDF-SHA256), so the data key itself is only ever used to encrypt. */
export const deriveKey = (key: Buffer, purpose: string) => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `lyceum:${purpose}`, 32))

/** Whether `value` looks like the output of `seal` (legacy plaintext does not). */
export const isSealed = (value: string) => value.startsWith(`${VERSION}:`)

/** Encrypts `plaintext` with a fresh random IV; `aad` must be given again to open it. */
export function seal(key: Buffer, plaintext: string, aad = ''): string {
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(aad))
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return `${VERSION}:${keyId(key)}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`
}

/** Decrypts a sealed value; throws on another key, another `aad` or any changed byte. */
export function open(key: Buffer, sealed: string, aad = ''): string {
  const [version, kid, data] = sealed.split(':')
  if (version !== VERSION || !kid || data === undefined) throw new Error('not a sealed value')
  if (kid !== keyId(key)) throw new Error('sealed under another key (was DATA_ENCRYPTION_KEY changed?)')
  const raw = Buffer.from(data, 'base64url')
  if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('sealed value is truncated')
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES))
  decipher.setAAD(Buffer.from(aad))
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
  return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8')
}
