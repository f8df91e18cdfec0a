/**
 * The README and docs/ link only to files that exist in the repository (a clone has no
 * ../shared/SPEC.md): every relative Markdown link must resolve to a file or folder here.
 */
import { expect, test } from 'bun:test'
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const ROOT = resolve(import.meta.dir, '..')
const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]

test('every relative link in README.md and docs/*.md points at a file in the repository', async () => {
  const broken: string[] = []
  let checked = 0
  for (const file of files) {
    const text = await Bun.file(join(ROOT, file)).text()
    // [text](target) outside code; targets with a scheme or only an anchor are not files.
    const prose = text.replace(/```[\s\S]*?```/g, '')
    for (const [, target] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target!) || target!.startsWith('#')) continue
      checked++
      const path = resolve(dirname(join(ROOT, file)), decodeURIComponent(target!.split('#')[0]!))
      if (relative(ROOT, path).startsWith('..') || !existsSync(path)) broken.push(`${file}: ${target}`)
    }
  }
  expect(broken).toEqual([])
  expect(checked).toBeGreaterThan(10)
})
