import { describe, expect, test } from 'bun:test'
import { randomBytes } from 'node:crypto'
import { DEV_DATA_KEY_HEX, dataKeyOf, deriveKey, isSealed, open, parseDataKey, seal } from '../../src/platform/crypto'

const key = randomBytes(32)

describe('seal / open (AES-256-GCM)', () => {
  test('round-trips, with a fresh IV each time and a version + key-id prefix', () => {
    const a = seal(key, 'JBSWY3DPEHPK3PXP', 'ctx')
    const b = seal(key, 'JBSWY3DPEHPK3PXP', 'ctx')
    expect(a).not.toBe(b)
    expect(a).toMatch(/^v1:[0-9a-f]{8}:[A-Za-z0-9_-]+$/)
    expect(a).not.toContain('JBSWY3DPEHPK3PXP')
    expect(isSealed(a)).toBe(true)
    expect(isSealed('JBSWY3DPEHPK3PXP')).toBe(false)
    expect(open(key, a, 'ctx')).toBe('JBSWY3DPEHPK3PXP')
    expect(open(key, b, 'ctx')).toBe('JBSWY3DPEHPK3PXP')
  })

  test('a changed byte, another key or another context is refused', () => {
    const sealed = seal(key, 'secret', 'user-1')
    const body = Buffer.from(sealed.split(':')[2]!, 'base64url')
    body[body.length - 1]! ^= 1
    const tampered = `${sealed.split(':').slice(0, 2).join(':')}:${body.toString('base64url')}`
    expect(() => open(key, tampered, 'user-1')).toThrow()
    expect(() => open(randomBytes(32), sealed, 'user-1')).toThrow(/key/)
    expect(() => open(key, sealed, 'user-2')).toThrow()
    expect(() => open(key, 'v9:00000000:AAAA', 'user-1')).toThrow()
  })

  test('derived keys differ per purpose and from the key itself', () => {
    const a = deriveKey(key, 'recovery-codes')
    expect(a).toHaveLength(32)
    expect(a.equals(deriveKey(key, 'recovery-codes'))).toBe(true)
    expect(a.equals(deriveKey(key, 'other'))).toBe(false)
    expect(a.equals(key)).toBe(false)
  })
})

describe('DATA_ENCRYPTION_KEY', () => {
  test('hex (64 chars) or base64 (44 chars) of 32 bytes; anything else is refused', () => {
    expect(parseDataKey(key.toString('hex'))!.equals(key)).toBe(true)
    expect(parseDataKey(key.toString('base64'))!.equals(key)).toBe(true)
    expect(parseDataKey('abc')).toBeNull()
    expect(parseDataKey('z'.repeat(64))).toBeNull()
    expect(parseDataKey(randomBytes(16).toString('hex'))).toBeNull()
  })

  test('development and test fall back to a fixed dev key; production uses only the given one', () => {
    expect(dataKeyOf({ NODE_ENV: 'test' }).toString('hex')).toBe(DEV_DATA_KEY_HEX)
    expect(dataKeyOf({ NODE_ENV: 'production', DATA_ENCRYPTION_KEY: key.toString('base64') }).equals(key)).toBe(true)
    expect(() => dataKeyOf({ NODE_ENV: 'production' })).toThrow()
  })
})
