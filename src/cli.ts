/**
 * Small admin commands: `bun run cli user:role <email> <role>`, `bun run cli user:verify <email>`
 * (marks an address verified without the email round trip, e.g. for demo accounts).
 * A role change applies from the user's next access token (on refresh or login).
 */
import { config } from './platform/config'
import { createSql } from './platform/db'
import { ROLES, type Role } from './platform/http/auth'

const USAGE = 'usage: bun run cli user:role <email> <student|instructor|admin> | user:verify <email>'

async function setRole(email: string | undefined, role: string | undefined): Promise<number> {
  if (!email || !role || !ROLES.includes(role as Role)) {
    console.error(USAGE)
    return 2
  }
  const sql = createSql(config.DATABASE_URL, 1)
  try {
    const rows = await sql<{ id: string; email: string; role: string }[]>`
      update users set role = ${role}, updated_at = now() where email = ${email.trim()} returning id, email, role`
    if (!rows[0]) {
      console.error(`no user with email ${email}`)
      return 1
    }
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

const [command, ...args] = process.argv.slice(2)
const commands: Record<string, (...a: (string | undefined)[]) => Promise<number>> = { 'user:role': setRole, 'user:verify': verifyEmail }
const run = command ? commands[command] : undefined
if (!run) {
  console.error(USAGE)
  process.exitCode = 2
} else {
  process.exitCode = await run(...args)
}
