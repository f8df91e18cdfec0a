import { t } from 'elysia'

export const Code = t.String({ minLength: 1, maxLength: 64, description: '6-digit emailed or TOTP code, or a recovery code' })
export const PasswordBody = t.Object({ password: t.String({ minLength: 1, maxLength: 1024 }) }, { examples: [{ password: 'lyceum-demo-password' }] })
export const CodeBody = t.Object({ code: Code }, { examples: [{ code: '492817' }] })
export const VerifyBody = t.Object({ challenge_token: t.String({ minLength: 1, maxLength: 4096 }), code: Code }, { examples: [{ challenge_token: 'eyJhbGciOiJIUzI1NiJ9.eyJ0eXBlIjoibWZhIn0.c2lnbmF0dXJl', code: '492817' }] })
export const DisableBody = t.Object({ password: t.String({ minLength: 1, maxLength: 1024 }), code: Code }, { examples: [{ password: 'lyceum-demo-password', code: '492817' }] })
export const TotpSetup = t.Object({ secret: t.String({ description: 'Base32' }), otpauth_url: t.String() }, { title: 'TotpSetup', examples: [{ secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', otpauth_url: 'otpauth://totp/Lyceum:student%40lyceum.local?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Lyceum' }] })
export const RecoveryCodes = t.Object({ recovery_codes: t.Array(t.String(), { minItems: 10, maxItems: 10 }) }, { title: 'RecoveryCodes', examples: [{ recovery_codes: ['k7f2-9qxm', 'p3w8-2zrt', 'h6n1-5vbd', 'c9s4-8jle', 'u2y7-3gko', 'r5t0-6mwa', 'e8q3-1dxp', 'j4v9-7hnc', 'b1z6-4fsu', 'm0g5-9ryi'] }] })
