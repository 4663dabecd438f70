import { describe, expect, it } from 'vitest'
import { cstInstant, formatInstantCst } from './instant'

describe('formatInstantCst', () => {
  it('shows UTC instants in China Standard Time, across the date line', () => {
    expect(formatInstantCst('2026-11-27T05:06:32Z')).toBe('2026-11-27 13:06:32')
    expect(formatInstantCst('2026-12-31T16:00:00Z')).toBe('2027-01-01 00:00:00')
    expect(formatInstantCst('2026-12-31T16:00:00.123+00:00')).toBe('2027-01-01 00:00:00')
  })
  it('keeps text it cannot read', () => {
    expect(formatInstantCst('yesterday')).toBe('yesterday')
  })
})

describe('cstInstant', () => {
  it('reads a typed local time as China Standard Time', () => {
    expect(cstInstant('2026-12-02 15:00')).toBe('2026-12-02T15:00:00+08:00')
    expect(cstInstant(' 2026-12-02T15:00:30 ')).toBe('2026-12-02T15:00:30+08:00')
    expect(cstInstant('2026-12-02T07:00:00Z')).toBe('2026-12-02T07:00:00Z')
  })
  it('refuses what is not a time', () => {
    expect(cstInstant('昨天下午三点')).toBeNull()
    expect(cstInstant('2026-02-30 10:00')).toBeNull()
    expect(cstInstant('2026-12-02 25:00')).toBeNull()
    expect(cstInstant('')).toBeNull()
  })
})
