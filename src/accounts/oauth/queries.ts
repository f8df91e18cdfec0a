import type { Tx } from '../../platform/db'

export async function findIdentityUserId(sql: Tx, provider: string, subject: string): Promise<string | null> {
  const [row] = await sql<{ user_id: string }[]>`select user_id from oauth_identities where provider = ${provider} and subject = ${subject}`
  return row?.user_id ?? null
}

export async function insertIdentity(sql: Tx, i: { provider: string; subject: string; user_id: string; email: string | null }) {
  await sql`
    insert into oauth_identities (provider, subject, user_id, email) values (${i.provider}, ${i.subject}, ${i.user_id}, ${i.email})
    on conflict (provider, subject) do nothing`
}
