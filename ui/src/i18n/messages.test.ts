import { describe, expect, it } from 'vitest'
import zhCN from './zh-CN'
import en from './en'
import { SCREEN_KEYS } from '../screens'
import { ERROR_CODES } from '../apiError'
import { ENGLISH_CODE_LABELS } from './codes'
import { storedLanguage, DEFAULT_LANGUAGE } from './index'

type Tree = { [key: string]: string | Tree }

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${k}` : k
    if (typeof v === 'string') out.set(path, v)
    else for (const [p, s] of leaves(v, path)) out.set(p, s)
  }
  return out
}

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('i18n messages', () => {
  const zh = leaves(zhCN as unknown as Tree)
  const enLeaves = leaves(en as unknown as Tree)

  it('have the same keys in both languages', () => {
    expect([...enLeaves.keys()].sort()).toEqual([...zh.keys()].sort())
  })

  it('have no empty texts', () => {
    for (const [key, text] of [...zh, ...enLeaves]) expect(text.trim(), key).not.toBe('')
  })

  it('use the same placeholders in both languages', () => {
    for (const [key, text] of zh) expect(placeholders(enLeaves.get(key) ?? ''), key).toEqual(placeholders(text))
  })

  // Issue 12 item 6: no stray language. The English UI shows no Chinese (except the name of
  // the Chinese option itself); the Chinese UI no English phrase (two English words in a row:
  // a tail such as "/ not running…"; single names such as PDF, WPS/Word or DOCX are fine).
  it('hold no text of the other language', () => {
    const cjk = /[\u3400-\u9fff]/
    const allowedChinese = new Set(['app.languageZh', 'live.settings.languageZh'])
    const chineseInEnglish = [...enLeaves].filter(([key, text]) => !allowedChinese.has(key) && cjk.test(text))
    expect(chineseInEnglish).toEqual([])
    expect(ENGLISH_CODE_LABELS.filter((l) => cjk.test(l))).toEqual([])
    const englishInChinese = [...zh].filter(([, text]) => /[A-Za-z]{2,}[ ,.'-]+[a-z]{3,}/.test(text))
    expect(englishInChinese).toEqual([])
  })

  it('use the measures\' terms (亮牌, 黄牌, 红牌; not 警告牌)', () => {
    expect([...zh].filter(([, text]) => text.includes('警告牌'))).toEqual([])
  })

  it('contain no stray vue-i18n syntax (@ starts a linked message, | a plural)', () => {
    for (const [key, text] of [...zh, ...enLeaves]) {
      expect(text, key).not.toMatch(/[@|]/)
      // Braces only as {name} placeholders.
      expect(text.replace(/\{\w+\}/g, ''), key).not.toMatch(/[{}]/)
    }
  })

  it('name every screen and say what it will hold', () => {
    for (const key of SCREEN_KEYS) {
      expect(zh.has(`screens.${key}.title`), key).toBe(true)
      expect(zh.has(`screens.${key}.planned`), key).toBe(true)
    }
  })

  it('name every IPC error code', () => {
    for (const code of ERROR_CODES) expect(zh.has(`errors.codes.${code}`), code).toBe(true)
  })

  it('show Chinese by default', () => {
    expect(zhCN.app.title).toBe('电子监察工作台')
    expect(DEFAULT_LANGUAGE).toBe('zh-CN')
  })
})

describe('storedLanguage', () => {
  const storage = (value: string | null) => ({ getItem: () => value })
  it('falls back to zh-CN when nothing or something unknown is stored', () => {
    expect(storedLanguage(undefined)).toBe('zh-CN')
    expect(storedLanguage(storage(null))).toBe('zh-CN')
    expect(storedLanguage(storage('fr'))).toBe('zh-CN')
  })
  it('returns a stored supported language', () => {
    expect(storedLanguage(storage('en'))).toBe('en')
  })
  it('survives a storage that throws', () => {
    expect(storedLanguage({ getItem: () => { throw new Error('denied') } })).toBe('zh-CN')
  })
})
