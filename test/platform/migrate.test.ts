import { expect, test } from 'bun:test'
import postgres from 'postgres'
import { cpSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { migrate, MIGRATIONS_DIR } from '../../src/platform/migrate'

async function freshDatabase() {
  const name = `lyceum_mig_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  const admin = postgres('postgres://postgres@127.0.0.1:5432/postgres', { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database "${name}"`)
  await admin.end()
  const url = `postgres://postgres@127.0.0.1:5432/${name}`
  const drop = async () => {
    const a = postgres('postgres://postgres@127.0.0.1:5432/postgres', { max: 1, onnotice: () => {} })
    await a.unsafe(`drop database if exists "${name}" with (force)`)
    await a.end()
  }
  return { url, drop }
}

test('four `bun run migrate` processes started together apply each migration exactly once', async () => {
  const db = await freshDatabase()
  try {
    const procs = Array.from({ length: 4 }, () =>
      Bun.spawn(['bun', 'run', 'migrate'], { env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'info' }, stdout: 'pipe', stderr: 'pipe' }),
    )
    const codes = await Promise.all(procs.map((p) => p.exited))
    expect(codes).toEqual([0, 0, 0, 0])
    const outputs = await Promise.all(procs.map((p) => new Response(p.stdout).text()))
    const appliedCounts = outputs.map((o) => (JSON.parse(o.trim().split('\n').pop()!).applied as string[]).length)
    const files = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql'))
    // Across the four processes every file was applied once in total.
    expect(appliedCounts.reduce((a, b) => a + b, 0)).toBe(files.length)
    const sql = postgres(db.url, { max: 1, onnotice: () => {} })
    const rows = await sql`select version from schema_migrations order by version`
    expect(rows.map((r) => r.version)).toEqual(files.sort())
    await sql.end()
  } finally {
    await db.drop()
  }
})

test('a migration changed after it was applied is refused with a clear message', async () => {
  const db = await freshDatabase()
  const dir = mkdtempSync(join(tmpdir(), 'lyceum-mig-'))
  cpSync(join(MIGRATIONS_DIR, '0001_extensions.sql'), join(dir, '0001_extensions.sql'))
  writeFileSync(join(dir, '0002_things.sql'), '-- test table\ncreate table things (id int);\n')
  const sql = postgres(db.url, { max: 2, onnotice: () => {} })
  try {
    expect((await migrate(sql as never, dir)).applied).toEqual(['0001_extensions.sql', '0002_things.sql'])
    expect((await migrate(sql as never, dir)).applied).toEqual([])
    writeFileSync(join(dir, '0002_things.sql'), '-- test table\ncreate table things (id bigint);\n')
    await expect(migrate(sql as never, dir)).rejects.toThrow(/0002_things\.sql was changed after it was applied/)
  } finally {
    await sql.end()
    await db.drop()
  }
})

test('a failing migration rolls back entirely and is not recorded', async () => {
  const db = await freshDatabase()
  const dir = mkdtempSync(join(tmpdir(), 'lyceum-mig-'))
  writeFileSync(join(dir, '0001_bad.sql'), '-- broken on purpose\ncreate table half (id int);\nselect * from no_such_table;\n')
  const sql = postgres(db.url, { max: 2, onnotice: () => {} })
  try {
    await expect(migrate(sql as never, dir)).rejects.toThrow()
    const [t] = await sql`select to_regclass('half') as t`
    expect(t!.t).toBeNull()
    const ledger = await sql`select count(*)::int as n from schema_migrations`.catch(() => [{ n: 0 }])
    expect(ledger[0]!.n).toBe(0)
  } finally {
    await sql.end()
    await db.drop()
  }
})
