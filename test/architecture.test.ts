/**
 * Keeps ARCHITECTURE.md's dependency rules true by scanning every import in src/ and workers/.
 */
import { expect, test } from 'bun:test'
import { Glob } from 'bun'
import { dirname, join, relative, resolve } from 'node:path'

const ROOT = resolve(import.meta.dir, '..')
const DOMAINS = ['accounts', 'files', 'courses', 'commerce', 'messaging', 'gamification', 'ai', 'admin']
// Which domains' public.ts each domain may import (ARCHITECTURE.md rule 2).
const MAY_USE: Record<string, string[]> = {
  accounts: [],
  files: ['accounts'],
  courses: ['accounts', 'files'],
  commerce: ['accounts', 'files'],
  messaging: ['accounts', 'files'],
  gamification: ['accounts', 'files'],
  ai: ['accounts', 'files', 'courses', 'commerce', 'messaging', 'gamification'],
  admin: DOMAINS.filter((d) => d !== 'admin'),
}

const transpiler = new Bun.Transpiler({ loader: 'ts' })
type Edge = { from: string; to: string }

function edges(): Edge[] {
  const out: Edge[] = []
  for (const base of ['src', 'workers']) {
    for (const file of new Glob('**/*.ts').scanSync(join(ROOT, base))) {
      const abs = join(ROOT, base, file)
      const code = require('node:fs').readFileSync(abs, 'utf8') as string
      for (const imp of transpiler.scanImports(code)) {
        if (!imp.path.startsWith('.')) continue
        out.push({ from: relative(ROOT, abs), to: relative(ROOT, resolve(dirname(abs), imp.path)).replace(/\.ts$/, '') })
      }
    }
  }
  return out
}

const all = edges()
const domainOf = (p: string) => (p.startsWith('src/') ? DOMAINS.find((d) => p.startsWith(`src/${d}/`)) : undefined)

test('the scan sees the code base', () => {
  expect(all.length).toBeGreaterThan(20)
})

test('platform imports only platform', () => {
  const bad = all.filter((e) => e.from.startsWith('src/platform/') && !e.to.startsWith('src/platform/') && e.to !== 'package.json')
  expect(bad).toEqual([])
})

test('domains import other domains only through public.ts, along the allowed edges', () => {
  const bad = all.filter((e) => {
    const from = domainOf(e.from)
    const to = domainOf(e.to)
    if (!from || !to || from === to) return false
    const target = e.to.slice(`src/${to}/`.length)
    return target !== 'public' || !MAY_USE[from]!.includes(to)
  })
  expect(bad).toEqual([])
})

test('domains never import app.ts, index.ts of src, workers or tests', () => {
  const bad = all.filter((e) => e.from.startsWith('src/') && (e.to.startsWith('workers/') || e.to.startsWith('test/') || ((e.to === 'src/app' || e.to === 'src/index') && e.from !== 'src/index.ts')))
  expect(bad).toEqual([])
})

test("only src/app.ts imports a domain's index.ts", () => {
  const bad = all.filter((e) => { const d = domainOf(e.to); return d && (e.to === `src/${d}/index` || e.to === `src/${d}`) && e.from !== 'src/app.ts' && domainOf(e.from) !== d })
  expect(bad).toEqual([])
})

test('inside a resource: model.ts imports only elysia; queries never import routes or services', () => {
  const bad = all.filter((e) => (/\/model\.ts$/.test(e.from) && !e.to.startsWith('src/')) || (/\/queries\.ts$/.test(e.from) && /\/(routes|service)$/.test(e.to)))
  const modelsWithLocalImports = all.filter((e) => /\/model\.ts$/.test(e.from) && !/\/(model|errors|public)$/.test(e.to))
  expect(bad).toEqual([])
  expect(modelsWithLocalImports).toEqual([])
})

test('workers import platform, public.ts and jobs.ts only — never routes or Elysia plugins', () => {
  const bad = all.filter((e) => {
    if (!e.from.startsWith('workers/')) return false
    if (e.to.startsWith('workers/') || e.to.startsWith('src/platform/')) return false
    return !/^src\/[a-z]+\/(public|jobs)$/.test(e.to)
  })
  expect(bad).toEqual([])
})

test('no import cycles between domains', () => {
  const graph = new Map<string, Set<string>>()
  for (const e of all) {
    const a = domainOf(e.from), b = domainOf(e.to)
    if (a && b && a !== b) (graph.get(a) ?? graph.set(a, new Set()).get(a)!).add(b)
  }
  const visiting = new Set<string>(), done = new Set<string>()
  const cycle = (n: string): boolean => {
    if (visiting.has(n)) return true
    if (done.has(n)) return false
    visiting.add(n)
    for (const m of graph.get(n) ?? []) if (cycle(m)) return true
    visiting.delete(n); done.add(n)
    return false
  }
  expect(DOMAINS.filter(cycle)).toEqual([])
})

test('the API process does not load the worker-only renderers (MJML, SMTP, sharp, pdf-lib)', async () => {
  // A fresh process imports the API's whole module graph (src/index.ts starts nothing when imported).
  const proc = Bun.spawn(['bun', '-e', `await import(${JSON.stringify(join(ROOT, 'src/index.ts'))}); console.log(JSON.stringify(Object.keys(require.cache)))`], { cwd: ROOT, stdout: 'pipe', stderr: 'pipe' })
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  expect(err).toBe('')
  expect(code).toBe(0)
  const loaded = JSON.parse(out) as string[]
  expect(loaded.some((f) => f.includes('/src/app.ts'))).toBe(true) // the graph really was loaded
  const heavy = loaded.filter((f) => /node_modules\/(mjml[^/]*|nodemailer|sharp|pdf-lib|@pdf-lib\/[^/]+)\//.test(f))
  expect(heavy).toEqual([])
})
