import { t } from 'elysia'

export const Code = t.String({ minLength: 1, maxLength: 64, description: '6-digit emailed or TOTP code, or a recovery code' })
export const PasswordBody = t.Object({ password: t.String({ minLength: 1, maxLength: 1024 }) })
export const CodeBody = t.Object({ code: Code })
export const VerifyBody = t.Object({ challenge_token: t.String({ minLength: 1, maxLength: 4096 }), code: Code })
export const DisableBody = t.Object({ password: t.String({ minLength: 1, maxLength: 1024 }), code: Code })
export const TotpSetup = t.Object({ secret: t.String({ description: 'Base32' }), otpauth_url: t.String() }, { title: 'TotpSetup' })
export const RecoveryCodes = t.Object({ recovery_codes: t.Array(t.String(), { minItems: 10, maxItems: 10 }) }, { title: 'RecoveryCodes' })
