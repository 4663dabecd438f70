/// <reference types="node" />
import { describe, expect, it } from 'vitest'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const src = fileURLToPath(new URL('.', import.meta.url))

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) return name === 'bindings' ? [] : sources(p)
    return /\.(ts|vue)$/.test(name) && !name.endsWith('.test.ts') ? [p] : []
  })
}

describe('source invariants', () => {
  const files = sources(src).map((p) => ({ path: relative(src, p), text: readFileSync(p, 'utf8') }))

  it('finds the sources', () => {
    expect(files.map((f) => f.path)).toContain('ipc.ts')
    expect(files.length).toBeGreaterThan(10)
  })

  // Issue 12 item 2: the browser's own validation shows an English bubble and blocks the
  // submit (an <input type=number step=10 min=1> refuses 30). Forms validate in the page and in
  // Rust, in Chinese; every form opts out of the native check.
  it('no form leaves validation to the browser', () => {
    for (const f of files.filter((f) => f.path.endsWith('.vue'))) {
      const forms = f.text.match(/<(el-form|form)(\s[^>]*)?>/g) ?? []
      for (const tag of forms) expect(tag, f.path).toMatch(/\snovalidate\b/)
    }
  })

  // Issue 12 item 1: one mechanism for every form — `useFormAction` (pending state, the
  // failure kept) and `<form-error>` (shown above the form's buttons); never a toast for a
  // form's own failure.
  it('every form reports its failure through useFormAction and FormError', () => {
    for (const f of files.filter((f) => f.path.endsWith('.vue') && /<el-form[\s>]/.test(f.text))) {
      expect(f.text, f.path).toMatch(/useFormAction\(\)/)
      expect(f.text, f.path).toMatch(/<form-error\b/)
    }
  })

  it('only ipc.ts talks to Tauri', () => {
    const users = files.filter((f) => /from\s+['"]@tauri-apps\/api/.test(f.text)).map((f) => f.path)
    expect(users).toEqual(['ipc.ts'])
  })

  it('loads nothing from the network at run time', () => {
    for (const f of files) {
      expect(f.text, f.path).not.toMatch(/\bimport\s*\(\s*['"]https?:/)
      expect(f.text, f.path).not.toMatch(/from\s+['"]https?:/)
      expect(f.text, f.path).not.toMatch(/\bfetch\s*\(/)
      expect(f.text, f.path).not.toMatch(/url\(\s*['"]?https?:/)
    }
  })

  it('never hand-copies the generated IPC types', () => {
    for (const f of files) {
      expect(f.text, f.path).not.toMatch(/(type|interface)\s+(ApiError|ErrorCode|AppInfo)\b\s*[={]/)
    }
  })

  // tauri.conf.json sets freezePrototype: dayjs (pulled in by Element Plus's date and time
  // pickers) assigns to prototypes, and the whole page then fails to mount in the app.
  it('uses no component that needs unfrozen prototypes', () => {
    for (const f of files) {
      const code = f.text.replace(/<!--[\s\S]*?-->/g, '').replace(/\/\/.*$/gm, '')
      expect(code, f.path).not.toMatch(/<el-(date|time)-picker|El(Date|Time)Picker|<el-calendar|from\s+['"]dayjs/)
    }
  })
})
