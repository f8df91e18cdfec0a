import { expect, test } from 'bun:test'
import { makeImageVariants } from '../../src/files/public'
import { testApp } from '../helpers/app'
import { newUser } from '../helpers/factories'
import { makeImage } from './fixtures'

/** A processing image row with its original stored, as an upload leaves it. */
async function processingImage(ownerId: string) {
  const { deps } = await testApp()
  const id = crypto.randomUUID()
  const key = `files/test/${id}.png`
  await deps.storage.put(key, await makeImage('png', 300, 200), 'image/png')
  await deps.sql`insert into files (id, owner_id, purpose, storage_key, content_type, size, checksum_sha256, status)
    values (${id}, ${ownerId}, 'avatar', ${key}, 'image/png', 1, 'x', 'processing')`
  return { id, key }
}

test('the images job is idempotent: a second run is skipped, a deleted file is gone', async () => {
  const { deps } = await testApp()
  const u = await newUser()
  const { id, key } = await processingImage(u.id)
  expect(await makeImageVariants(deps, id)).toBe('ready')
  const variants = await deps.sql<{ name: string; width: number }[]>`select name, width from file_variants where file_id = ${id} order by width`
  expect(variants.map((v) => [v.name, v.width])).toEqual([['thumb', 160], ['medium', 300], ['large', 300]])
  expect(await makeImageVariants(deps, id)).toBe('skipped')
  expect(await deps.storage.exists(key.replace('.png', '.thumb.webp'))).toBe(true)

  const gone = await processingImage(u.id)
  await deps.sql`delete from files where id = ${gone.id}`
  expect(await makeImageVariants(deps, gone.id)).toBe('gone')
  expect(await deps.storage.exists(gone.key.replace('.png', '.thumb.webp'))).toBe(false)
})
