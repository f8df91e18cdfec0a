import { Type as T, type Static, type TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { dataKeyOf, parseDataKey } from './crypto'
import { unsafeSettings } from './production-safety'

export { KNOWN_SECRETS } from './production-safety'

/**
 * Every setting of SPEC §10, parsed once from the environment.
 * Strings from the environment are converted (numbers, booleans) and defaulted by TypeBox;
 * rules that span several variables live in `crossChecks`.
 */
const Str = (def?: string) => (def === undefined ? T.Optional(T.String()) : T.String({ default: def }))
const Int = (def: number, min = 0) => T.Integer({ default: def, minimum: min })
const Bool = (def: boolean) => T.Boolean({ default: def })

export const ConfigSchema = T.Object({
  NODE_ENV: T.Union([T.Literal('development'), T.Literal('production'), T.Literal('test')], { default: 'development' }),
  PORT: T.Integer({ default: 3000, minimum: 0, maximum: 65535 }),
  DATABASE_URL: T.String({ default: 'postgres://postgres@127.0.0.1:5432/lyceum', pattern: '^postgres(ql)?://' }),
  DATABASE_POOL_MAX: Int(10, 1),
  REDIS_URL: T.String({ default: 'redis://127.0.0.1:6379', pattern: '^rediss?://' }),
  /** Prefix of every Redis key, pub/sub channel and BullMQ queue: lets runs share one Redis. */
  REDIS_PREFIX: T.String({ default: 'lyceum', pattern: '^[A-Za-z0-9_.-]+$' }),
  /** Redis Cluster seed nodes `host:port,host:port,…`; when set every Redis use runs on the cluster (REDIS_URL unused). */
  REDIS_CLUSTER_NODES: T.String({ default: '', pattern: '^([^,:\\s]+:[0-9]+(,[^,:\\s]+:[0-9]+)*)?$' }),
  JWT_SECRET: T.String({ default: 'dev-only-insecure-secret-change-me-0123456789', minLength: 16 }),
  /** 32 random bytes (hex or base64) encrypting secrets at rest (platform/crypto.ts); a dev key outside production. */
  DATA_ENCRYPTION_KEY: Str(),
  ACCESS_TOKEN_TTL: Int(900, 1),
  REFRESH_TOKEN_TTL: Int(2592000, 60),
  TRUST_PROXY: T.String({ default: 'false', pattern: '^(true|false|[0-9]+)$' }),
  METRICS_TOKEN: Str(),
  PUBLIC_URL: Str(),
  /** Base of the links in emails (verify-email, reset-password); default PUBLIC_URL. */
  APP_URL: Str(),
  SMTP_URL: T.String({ default: 'smtp://127.0.0.1:1025', pattern: '^smtps?://' }),
  MAIL_FROM: T.String({ default: 'Lyceum <no-reply@lyceum.local>' }),
  STRIPE_SECRET_KEY: T.String({ default: 'sk_test_lyceum_local' }),
  STRIPE_WEBHOOK_SECRET: T.String({ default: 'whsec_lyceum_local' }),
  STRIPE_API_BASE: Str(),
  OPENAI_API_KEY: Str(),
  OPENAI_BASE_URL: Str(),
  OPENAI_MODEL: T.String({ default: 'gpt-4o-mini' }),
  OPENAI_TIMEOUT_MS: Int(20000, 100),
  AI_PROVIDER: T.Optional(T.Union([T.Literal('openai'), T.Literal('offline')])),
  AI_DAILY_MESSAGES: Int(50, 0),
  GOOGLE_ISSUER: T.String({ default: 'https://accounts.google.com' }),
  GOOGLE_CLIENT_ID: Str(),
  GOOGLE_CLIENT_SECRET: Str(),
  MICROSOFT_ISSUER: T.String({ default: 'https://login.microsoftonline.com/common/v2.0' }),
  MICROSOFT_CLIENT_ID: Str(),
  MICROSOFT_CLIENT_SECRET: Str(),
  OAUTH_CLIENT_REDIRECT_URL: Str(),
  STORAGE_DRIVER: T.Union([T.Literal('local'), T.Literal('s3')], { default: 'local' }),
  STORAGE_DIR: T.String({ default: './storage' }),
  S3_ENDPOINT: Str(),
  S3_BUCKET: Str(),
  S3_REGION: T.String({ default: 'us-east-1' }),
  S3_ACCESS_KEY_ID: Str(),
  S3_SECRET_ACCESS_KEY: Str(),
  S3_FORCE_PATH_STYLE: Bool(true),
  UPLOAD_MAX_BYTES: Int(10 * 1024 * 1024, 1),
  /** Largest JSON/form body accepted on non-upload routes. */
  BODY_MAX_BYTES: Int(1024 * 1024, 1024),
  CORS_ORIGINS: T.String({ default: '' }),
  ORDER_TTL_MINUTES: Int(30, 1),
  ADMIN_EMAILS: T.String({ default: '' }),
  /** Credentials under attack (SPEC §12; 0 turns a limit off): failed logins per (account, IP) per 15 min, per account per hour. */
  LIMIT_LOGIN_FAILURES_PER_ACCOUNT_IP: Int(10),
  LIMIT_LOGIN_FAILURES_PER_ACCOUNT: Int(50),
  /** OAuth flows started per IP per minute; emailed MFA codes per account per hour (and 1 per 60 s). */
  LIMIT_OAUTH_STARTS_PER_MIN: Int(30),
  LIMIT_MFA_EMAILS_PER_HOUR: Int(5),
  LOG_LEVEL: T.Union([T.Literal('debug'), T.Literal('info'), T.Literal('warn'), T.Literal('error'), T.Literal('silent')], { default: 'info' }),
  SHUTDOWN_TIMEOUT_MS: Int(15000, 0),
  // Per-user limits of SPEC §12 (0 turns a limit off).
  LIMIT_MESSAGES_PER_MIN: Int(120, 0),
  LIMIT_MESSAGES_BURST: Int(60, 0),
  LIMIT_CONVERSATIONS_PER_HOUR: Int(30, 0),
  LIMIT_OPEN_ORDERS: Int(3, 0),
  LIMIT_CHECKOUTS_PER_HOUR: Int(20, 0),
  UPLOAD_QUOTA_BYTES: Int(1024 * 1024 * 1024, 0),
  LIMIT_UPLOADS_PER_HOUR: Int(60, 0),
  /** false: payment routes answer 503 payments_disabled and production needs no Stripe secrets. */
  PAYMENTS_ENABLED: Bool(true),
  /** true: /metrics needs no token, also in production. */
  METRICS_PUBLIC: Bool(false),
  /** Fail fast (SPEC §13): deadlines on every wait for Postgres or Redis, in milliseconds. */
  DATABASE_CONNECT_TIMEOUT_MS: Int(2000, 100),
  DATABASE_QUERY_TIMEOUT_MS: Int(2000, 100),
  DATABASE_TRANSACTION_TIMEOUT_MS: Int(2100, 100),
  DATABASE_STATEMENT_TIMEOUT_MS: Int(2000, 0),
  DATABASE_IDLE_TX_TIMEOUT_MS: Int(5000, 0),
  WORKER_DATABASE_TIMEOUT_MS: Int(30000, 100),
  REDIS_COMMAND_TIMEOUT_MS: Int(2000, 100),
  /** How long a starting API or worker waits for Postgres and Redis before exiting non-zero. */
  STARTUP_TIMEOUT_S: Int(60, 0),
  /** The worker's /health/live and /health/ready port (0 = off). */
  WORKER_HEALTH_PORT: T.Integer({ default: 3001, minimum: 0, maximum: 65535 }),
  /** BullMQ job lock and stalled-job check: a dead worker's jobs are taken over within lock + 2 checks. */
  WORKER_LOCK_DURATION_MS: Int(6000, 1000),
  WORKER_STALLED_INTERVAL_MS: Int(3000, 500),
  /** Concurrent WebSockets per user across replicas (SPEC §12); 0 turns the limit off. */
  WS_MAX_SOCKETS_PER_USER: Int(10, 0),
})

type Raw = Static<typeof ConfigSchema>
export type Config = Omit<Raw, 'AI_PROVIDER' | 'PUBLIC_URL' | 'APP_URL' | 'TRUST_PROXY'> & {
  AI_PROVIDER: 'openai' | 'offline'
  PUBLIC_URL: string
  APP_URL: string
  /** Number of trusted proxy hops (0 = ignore X-Forwarded-For). */
  TRUST_PROXY: number
  corsOrigins: string[]
  adminEmails: string[]
}

export class ConfigError extends Error {}

function crossChecks(raw: Raw, given: Set<string>): string[] {
  const bad: string[] = []
  if (raw.NODE_ENV === 'production') {
    if (!raw.PUBLIC_URL) bad.push('PUBLIC_URL (required in production)')
    if (!raw.DATA_ENCRYPTION_KEY) bad.push('DATA_ENCRYPTION_KEY (required in production: 32 random bytes, hex or base64)')
  }
  if (raw.DATA_ENCRYPTION_KEY && !parseDataKey(raw.DATA_ENCRYPTION_KEY)) bad.push('DATA_ENCRYPTION_KEY (must be 32 bytes: 64 hex or 44 base64 characters)')
  if (raw.AI_PROVIDER === 'openai' && !raw.OPENAI_API_KEY) bad.push('OPENAI_API_KEY (required when AI_PROVIDER=openai)')
  if (raw.STORAGE_DRIVER === 's3') {
    for (const k of ['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const) {
      if (!raw[k]) bad.push(`${k} (required when STORAGE_DRIVER=s3)`)
    }
  }
  return bad
}

/** Parses settings from `env`; throws ConfigError naming every bad variable on one line. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const input: Record<string, unknown> = {}
  for (const key of Object.keys(ConfigSchema.properties)) {
    const v = env[key]
    if (v !== undefined && v !== '') input[key] = v
  }
  const given = new Set(Object.keys(input))
  const value = Value.Default(ConfigSchema, Value.Convert(ConfigSchema, input)) as Raw
  const bad = new Set<string>()
  for (const err of Value.Errors(ConfigSchema as TSchema, value)) {
    const name = err.path.replace(/^\//, '').split('/')[0]
    if (name) bad.add(`${name} (${err.message.toLowerCase()})`)
  }
  const schemaOk = bad.size === 0
  // Unsafe secrets are named even next to malformed settings: one line lists everything to fix.
  for (const b of unsafeSettings(value, given)) bad.add(b)
  if (schemaOk) for (const b of crossChecks(value, given)) bad.add(b)
  if (bad.size) throw new ConfigError(`invalid settings: ${[...bad].join('; ')}`)
  const port = value.PORT
  return {
    ...value,
    AI_PROVIDER: value.AI_PROVIDER ?? (value.OPENAI_API_KEY ? 'openai' : 'offline'),
    PUBLIC_URL: (value.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    APP_URL: (value.APP_URL ?? value.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    TRUST_PROXY: value.TRUST_PROXY === 'true' ? 1 : value.TRUST_PROXY === 'false' ? 0 : Number(value.TRUST_PROXY),
    corsOrigins: splitList(value.CORS_ORIGINS),
    adminEmails: splitList(value.ADMIN_EMAILS).map((e) => e.toLowerCase()),
  }
}

/** The 32-byte key for data encrypted at rest (AES-256-GCM): DATA_ENCRYPTION_KEY, or the dev key outside production (see ./crypto). */
export function dataEncryptionKey(cfg: Pick<Config, 'DATA_ENCRYPTION_KEY' | 'NODE_ENV'>): Uint8Array {
  return new Uint8Array(dataKeyOf(cfg))
}

function splitList(s: string): string[] {
  return s.split(',').map((x) => x.trim()).filter(Boolean)
}

function loadOrExit(): Config {
  try {
    return loadConfig(process.env)
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message)
      process.exit(1)
    }
    throw err
  }
}

/** The process's settings, parsed once. */
export const config: Config = loadOrExit()
