import { describe, expect, it } from 'vitest'
import { formatInstantCst } from './instant'

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
