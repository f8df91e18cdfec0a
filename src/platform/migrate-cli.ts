import { config } from './config'
import { createSql } from './db'
import { log } from './log'
import { migrate } from './migrate'

const sql = createSql(config.DATABASE_URL, 2)
try {
  const { applied } = await migrate(sql)
  log.info('migrations applied', { applied })
} catch (err) {
  console.error(`migrate failed: ${(err as Error).message}`)
  process.exitCode = 1
} finally {
  await sql.end({ timeout: 5 })
}
