import { describe, expect, it } from 'vitest'
import { GO_TIMEOUT_MS, ShortcutMachine, type KeyInput } from './keyboard'
import { SCREENS, digitFor } from './screens'

const key = (k: string, extra: Partial<KeyInput> = {}): KeyInput => ({
  key: k,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  inEditable: false,
  time: 0,
  ...extra,
})

describe('ShortcutMachine', () => {
  it('maps Alt+1…9 to the first nine screens (by code, whatever the layout types)', () => {
    const m = new ShortcutMachine()
    expect(m.handle(key('1', { altKey: true, code: 'Digit1' }))).toEqual({ kind: 'go', screen: 'dashboard' })
    expect(m.handle(key('¡', { altKey: true, code: 'Digit4' }))).toEqual({ kind: 'go', screen: 'red' })
    expect(m.handle(key('9', { altKey: true, code: 'Digit9' }))).toEqual({ kind: 'go', screen: SCREENS[8]!.key })
    expect(m.handle(key('0', { altKey: true, code: 'Digit0' }))).toBeNull()
  })

  it('maps g then a letter to its screen, within the timeout', () => {
    const m = new ShortcutMachine()
    expect(m.handle(key('g', { time: 100 }))).toEqual({ kind: 'pending' })
    expect(m.handle(key('y', { time: 200 }))).toEqual({ kind: 'go', screen: 'yellow' })
    // A plain letter without g does nothing.
    expect(m.handle(key('y', { time: 300 }))).toBeNull()
    m.handle(key('g', { time: 1_000 }))
    expect(m.handle(key('r', { time: 1_000 + GO_TIMEOUT_MS + 1 }))).toBeNull()
  })

  it('gives every screen a distinct letter and the first nine a digit', () => {
    const letters = SCREENS.map((s) => s.letter)
    expect(new Set(letters).size).toBe(letters.length)
    for (const l of letters) expect(l).toMatch(/^[a-z]$/)
    expect(letters).not.toContain('g')
    expect(SCREENS.map((_, i) => digitFor(i)).filter(Boolean)).toHaveLength(9)
    const m = new ShortcutMachine()
    for (const s of SCREENS) {
      m.handle(key('g'))
      expect(m.handle(key(s.letter))).toEqual({ kind: 'go', screen: s.key })
    }
  })

  it('leaves keys typed into fields alone', () => {
    const m = new ShortcutMachine()
    expect(m.handle(key('/', { inEditable: true }))).toBeNull()
    expect(m.handle(key('g', { inEditable: true }))).toBeNull()
    expect(m.handle(key('1', { altKey: true, code: 'Digit1', inEditable: true }))).toBeNull()
  })

  it('focuses search on / and shows help on ?', () => {
    const m = new ShortcutMachine()
    expect(m.handle(key('/'))).toEqual({ kind: 'focusSearch' })
    expect(m.handle(key('?', { shiftKey: true }))).toEqual({ kind: 'help' })
  })

  it('ignores Ctrl and Meta combinations (copy, paste, reload stay the browser’s)', () => {
    const m = new ShortcutMachine()
    expect(m.handle(key('g', { ctrlKey: true }))).toBeNull()
    expect(m.handle(key('1', { ctrlKey: true, altKey: true, code: 'Digit1' }))).toBeNull()
    m.handle(key('g'))
    expect(m.handle(key('d', { metaKey: true }))).toBeNull()
  })
})
