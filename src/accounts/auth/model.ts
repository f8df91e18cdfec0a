import { t } from 'elysia'
import { User } from '../users/model'

export const Email = t.String({ format: 'email', maxLength: 254, description: 'Compared case-insensitively' })
export const NewPassword = t.String({ minLength: 8, maxLength: 128, description: '8–128 characters, not a common password' })
export const Password = t.String({ minLength: 1, maxLength: 1024 })

export const Tokens = t.Object(
  {
    access_token: t.String({ description: 'HS256 JWT; send as `Authorization: Bearer`' }),
    refresh_token: t.String({ description: 'Opaque, single use: POST /auth/refresh returns a new one' }),
    expires_in: t.Integer({ description: 'Access token lifetime in seconds' }),
  },
  {
    title: 'Tokens',
    examples: [{ access_token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIwYjdjNmE1MiIsInR5cGUiOiJhY2Nlc3MifQ.dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZQ', refresh_token: 'rt_8Qm3xV0kZ2pL7sN4yT6wB1cE9fH5jR', expires_in: 900 }],
  },
)
export const AuthResult = t.Object({ user: User, tokens: Tokens }, { title: 'AuthResult' })
export const MfaChallenge = t.Object(
  {
    mfa_required: t.Literal(true),
    challenge_token: t.String({ description: 'Valid 10 minutes; POST it with a code to /auth/mfa/verify' }),
    methods: t.Array(t.Union([t.Literal('email'), t.Literal('totp')])),
  },
  { title: 'MfaChallenge', examples: [{ mfa_required: true, challenge_token: 'eyJhbGciOiJIUzI1NiJ9.eyJ0eXBlIjoibWZhIn0.c2lnbmF0dXJl', methods: ['totp'] }] },
)
export const LoginResult = t.Union([AuthResult, MfaChallenge], { title: 'LoginResult' })
export const Accepted = t.Object({ message: t.String() }, { title: 'Accepted', examples: [{ message: 'If the address is registered, an email is on its way' }] })

export const RegisterBody = t.Object({
  email: Email,
  password: NewPassword,
  display_name: t.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
}, { examples: [{ email: 'new.learner@example.org', password: 'correct horse battery staple', display_name: 'New Learner' }] })
export const LoginBody = t.Object({ email: t.String({ minLength: 1, maxLength: 254 }), password: Password }, { examples: [{ email: 'student@lyceum.local', password: 'lyceum-demo-password' }] })
export const TokenBody = t.Object({ token: t.String({ minLength: 1, maxLength: 512 }) }, { examples: [{ token: 'Yk3n8Qx2Lm5Vr7Tz9Wc1Hd4Jf6Gs0Pa' }] })
export const RefreshBody = t.Object({ refresh_token: t.String({ minLength: 1, maxLength: 512 }) }, { examples: [{ refresh_token: 'rt_8Qm3xV0kZ2pL7sN4yT6wB1cE9fH5jR' }] })
export const LogoutBody = t.Optional(t.Object({ refresh_token: t.Optional(t.String({ maxLength: 512 })) }, { examples: [{ refresh_token: 'rt_8Qm3xV0kZ2pL7sN4yT6wB1cE9fH5jR' }] }))
