/**
 * Small admin commands: `bun run cli user:role <email> <role>`, `bun run cli user:verify <email>`
 * (marks an address verified without the email round trip, e.g. for demo accounts).
 * A role change revokes the user's access tokens and closes their sockets at once (SPEC §12);
 * their next refresh gets a token with the new role.
 */
import { config } from './platform/config'
import { createSql } from './platform/db'
import { revokeUserAccess, ROLES, type Role } from './platform/http/auth'
import { closeRedis, connectRedis, keyspace } from './platform/redis'
import { publishClose } from './platform/ws/hub'

const USAGE = 'usage: bun run cli user:role <email> <student|instructor|admin> | user:verify <email>'

async function setRole(email: string | undefined, role: string | undefined): Promise<number> {
  if (!email || !role || !ROLES.includes(role as Role)) {
    console.error(USAGE)
    return 2
  }
  const sql = createSql(config.DATABASE_URL, 1)
  try {
    const rows = await sql<{ id: string; email: string; role: string; old_role: string }[]>`
      with old as (select id, role from users where email = ${email.trim()} for update)
      update users u set role = ${role}, updated_at = now() from old where u.id = old.id returning u.id, u.email, u.role, old.role as old_role`
    if (!rows[0]) {
      console.error(`no user with email ${email}`)
      return 1
    }
    if (rows[0].old_role !== rows[0].role) await revokeAfterRoleChange(rows[0].id)
    console.log(`${rows[0].email} (${rows[0].id}) is now ${rows[0].role}`)
    return 0
  } finally {
    await sql.end({ timeout: 5 })
  }
}

async function verifyEmail(email: string | undefined): Promise<number> {
  if (!email) {
    console.error(USAGE)
    return 2
  }
  const sql = createSql(config.DATABASE_URL, 1)
  try {
    const rows = await sql<{ id: string; email: string }[]>`
      update users set email_verified_at = coalesce(email_verified_at, now()), updated_at = now() where email = ${email.trim()} returning id, email`
    if (!rows[0]) {
      console.error(`no user with email ${email}`)
      return 1
    }
    console.log(`${rows[0].email} (${rows[0].id}) is verified`)
    return 0
  } finally {
    await sql.end({ timeout: 5 })
  }
}

/** Old access tokens fail at once and the user's sockets close with 4401, on every API process. */
async function revokeAfterRoleChange(userId: string) {
  const redis = await connectRedis(config, 'cli')
  try {
    const keys = keyspace(config.REDIS_PREFIX)
    await revokeUserAccess({ redis, keys, accessTtl: config.ACCESS_TOKEN_TTL }, userId)
    await publishClose(redis, keys('hub'), { userId }, 4401, 'role changed')
  } finally {
    await closeRedis(redis)
  }
}

const [command, ...args] = process.argv.slice(2)
const commands: Record<string, (...a: (string | undefined)[]) => Promise<number>> = { 'user:role': setRole, 'user:verify': verifyEmail }
const run = command ? commands[command] : undefined
if (!run) {
  console.error(USAGE)
  process.exitCode = 2
} else {
  process.exitCode = await run(...args)
}
