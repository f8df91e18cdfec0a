/**
 * Product search under load: GET /api/v1/products?search=… on 10,000 generated products,
 * next to the same query (commerce's `searchProducts`) run directly through postgres.js with
 * the same pool size and concurrency, in the same run.
 * Usage: bun bench/commerce.ts [seconds=5] [connections=32]   (needs Postgres + Redis up)
 */
import postgres from 'postgres'
import { searchProducts } from '../src/commerce/products/search'
import { apiServer, benchDatabase, fmt, load, loadFn } from './lib'

const seconds = Number(process.argv[2] ?? 5)
const connections = Number(process.argv[3] ?? 32)
const POOL = 10
const db = await benchDatabase('commerce')
const sql = postgres(db.url, { max: POOL, onnotice: () => {} })

const WORDS = ['wireless', 'keyboard', 'mechanical', 'ergonomic', 'leather', 'notebook', 'course', 'python', 'guitar', 'lesson', 'premium', 'bamboo', 'desk', 'lamp', 'vintage', 'camera', 'lens', 'travel', 'mug', 'poster', 'sticker', 'hoodie', 'organic', 'coffee', 'tea', 'studio', 'audio', 'speaker', 'cable', 'charger']
const CATEGORIES = ['hardware', 'books', 'apparel', 'audio', 'home', 'courses']
const pick = (i: number, arr: string[]) => arr[i % arr.length]!

async function seed(n: number) {
  const rows = Array.from({ length: n }, (_, i) => {
    const a = pick(i * 7 + 3, WORDS), b = pick(i * 13 + 5, WORDS), c = pick(i * 17 + 11, WORDS)
    return {
      slug: `p-${i}`, name: `${a} ${b} ${i}`, description: `A ${c} ${a} item, great with ${pick(i * 3, WORDS)} and ${pick(i * 5 + 1, WORDS)}.`,
      kind: i % 3 === 0 ? 'physical' : 'digital', price_cents: 100 + ((i * 7919) % 20000), currency: 'usd',
      stock: i % 4 === 0 ? null : i % 50, category: pick(i, CATEGORIES), tags: [pick(i * 11, WORDS), pick(i * 19 + 2, WORDS)],
    }
  })
  for (let i = 0; i < rows.length; i += 1000) await sql`insert into products ${sql(rows.slice(i, i + 1000))}`
  await sql`analyze products`
}

let api: Awaited<ReturnType<typeof apiServer>> | undefined
try {
  await seed(10_000)
  api = await apiServer({ DATABASE_URL: db.url, DATABASE_POOL_MAX: String(POOL) })
  const cases = [
    ['full word, ranked', { search: 'wireless keyboard' }],
    ['partial word (prefix/trigram)', { search: 'ergon' }],
    ['filters + price sort', { category: 'audio', min_price: 500, max_price: 5000, in_stock: true, sort: 'price_asc' as const }],
  ] as const
  for (const [name, q] of cases) {
    const qs = new URLSearchParams(Object.entries(q).map(([k, v]): [string, string] => [k, String(v)])).toString()
    const target = `${api.url}/api/v1/products?${qs}`
    const found = ((await (await fetch(target)).json()) as { items: unknown[] }).items.length
    await load({ url: target, connections, seconds: 1 }) // warm-up
    const http = await load({ url: target, connections, seconds })
    const direct = await loadFn(() => searchProducts(sql, { ...q, limit: 20 }), { connections, seconds })
    console.log(`${name} (${found} items/page)\n  API      ${fmt(http)}\n  SQL only ${fmt(direct)}\n  ratio    ${(http.rps / direct.rps).toFixed(2)}`)
  }
} finally {
  await api?.stop()
  await sql.end()
  await db.drop()
}
