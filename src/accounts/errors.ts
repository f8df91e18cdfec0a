import { AppError } from '../platform/http/errors'

/** The accounts domain's error codes (SPEC §3). */
export const accountErrors = {
  emailTaken: () => new AppError(409, 'email_taken', 'An account with this email already exists'),
  invalidCredentials: () => new AppError(401, 'invalid_credentials', 'Wrong email or password'),
  wrongPassword: () => new AppError(401, 'invalid_credentials', 'Wrong password'),
  invalidToken: () => new AppError(400, 'invalid_token', 'The token is invalid, expired or already used'),
  invalidCode: () => new AppError(401, 'invalid_code', 'The code is wrong or expired'),
  challengeExpired: () => new AppError(401, 'challenge_expired', 'The MFA challenge is expired or no longer valid; log in again'),
  suspended: () => new AppError(403, 'account_suspended', 'This account is suspended'),
  refreshInvalid: () => new AppError(401, 'unauthorized', 'Unknown refresh token'),
  refreshExpired: () => new AppError(401, 'token_expired', 'The session has expired; log in again'),
  tokenRevoked: () => new AppError(401, 'token_revoked', 'The token has been revoked'),
  oauthStateInvalid: () => new AppError(400, 'oauth_state_invalid', 'Unknown, expired or already used OAuth state'),
  oauthFailed: (message = 'The provider sign-in failed') => new AppError(400, 'oauth_failed', message),
  oauthNotConfigured: () => new AppError(404, 'not_found', 'This sign-in provider is not configured'),
  emailUnverifiedConflict: () =>
    new AppError(409, 'email_unverified_conflict', 'An account with this email exists and the provider has not verified the email'),
  loginCodeInvalid: () => new AppError(400, 'invalid_token', 'The login code is invalid, expired or already used'),
  mfaAlreadyEnabled: () => new AppError(409, 'mfa_already_enabled', 'This MFA method is already enabled'),
  mfaSetupRequired: () => new AppError(409, 'mfa_setup_required', 'Start the setup first'),
  selfModification: () => new AppError(409, 'invalid_transition', 'Admins cannot change their own role or status'),
}

/** 422 for a password that fails the policy, shaped like schema validation errors. */
export const weakPassword = (field: string, message: string) =>
  new AppError(422, 'validation_failed', 'Validation failed', [{ field, code: 'weak_password', message }])
