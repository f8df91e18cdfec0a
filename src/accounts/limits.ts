import type { Config } from '../platform/config'
import type { RateLimitRule } from '../platform/http/rate-limit'

/**
 * Rate limits of the auth endpoints. Per-IP limits stop spraying many accounts from one
 * address and stay high enough for NAT'd offices, CI runners and integration suites; per-account
 * limits stop guessing one account's password or code from many addresses. Login limits count
 * only failed logins (SPEC §12): per (account, IP), and per account across all IPs with
 * known devices exempt (accounts/devices.ts).
 */
export const limits = {
  loginIp: { name: 'login-ip', limit: 300, windowSeconds: 60 },
  registerIp: { name: 'register-ip', limit: 300, windowSeconds: 5 * 60 },
  forgotIp: { name: 'forgot-ip', limit: 100, windowSeconds: 10 * 60 },
  forgotAccount: { name: 'forgot-account', limit: 5, windowSeconds: 60 * 60 },
  mfaIp: { name: 'mfa-ip', limit: 300, windowSeconds: 60 },
  mfaAccount: { name: 'mfa-account', limit: 20, windowSeconds: 15 * 60 },
  refreshIp: { name: 'refresh-ip', limit: 600, windowSeconds: 60 },
  refreshAccount: { name: 'refresh-account', limit: 60, windowSeconds: 60 },
  resendAccount: { name: 'resend-verification', limit: 5, windowSeconds: 60 * 60 },
} satisfies Record<string, RateLimitRule>

/** The limits of SPEC §12 "Credentials under attack" with their settings (0 = off). */
export const credentialLimits = (config: Config) =>
  ({
    loginFailuresAccountIp: { name: 'login-fail-account-ip', limit: config.LIMIT_LOGIN_FAILURES_PER_ACCOUNT_IP, windowSeconds: 15 * 60 },
    loginFailuresAccount: { name: 'login-fail-account', limit: config.LIMIT_LOGIN_FAILURES_PER_ACCOUNT, windowSeconds: 60 * 60 },
    oauthStartIp: { name: 'oauth-start-ip', limit: config.LIMIT_OAUTH_STARTS_PER_MIN, windowSeconds: 60 },
  }) satisfies Record<string, RateLimitRule>
