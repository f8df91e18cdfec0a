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
  { title: 'Tokens' },
)
export const AuthResult = t.Object({ user: User, tokens: Tokens }, { title: 'AuthResult' })
export const MfaChallenge = t.Object(
  {
    mfa_required: t.Literal(true),
    challenge_token: t.String({ description: 'Valid 10 minutes; POST it with a code to /auth/mfa/verify' }),
    methods: t.Array(t.Union([t.Literal('email'), t.Literal('totp')])),
  },
  { title: 'MfaChallenge' },
)
export const LoginResult = t.Union([AuthResult, MfaChallenge], { title: 'LoginResult' })
export const Accepted = t.Object({ message: t.String() }, { title: 'Accepted' })

export const RegisterBody = t.Object({
  email: Email,
  password: NewPassword,
  display_name: t.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
})
export const LoginBody = t.Object({ email: t.String({ minLength: 1, maxLength: 254 }), password: Password })
export const TokenBody = t.Object({ token: t.String({ minLength: 1, maxLength: 512 }) })
export const RefreshBody = t.Object({ refresh_token: t.String({ minLength: 1, maxLength: 512 }) })
export const LogoutBody = t.Optional(t.Object({ refresh_token: t.Optional(t.String({ maxLength: 512 })) }))
