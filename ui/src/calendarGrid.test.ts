import { describe, expect, it } from 'vitest'
import { calendarMonths, dayTitleParts, historyDays, todayCst } from './calendarGrid'
import type { CalendarDay } from './bindings/CalendarDay'

function yearOf(year: number): CalendarDay[] {
  const out: CalendarDay[] = []
  for (let t = Date.UTC(year, 0, 1); new Date(t).getUTCFullYear() === year; t += 86400000) {
    const d = new Date(t)
    const weekday = ((d.getUTCDay() + 6) % 7) + 1
    out.push({
      date: d.toISOString().slice(0, 10),
      weekday,
      workday: weekday < 6,
      kind: weekday < 6 ? 'workday' : 'weekend',
      name: '',
      source: 'ordinary',
      version: null,
    })
  }
  return out
}

describe('calendarMonths', () => {
  it('splits 2026 into twelve Monday-first months', () => {
    const months = calendarMonths(2026, yearOf(2026))
    expect(months).toHaveLength(12)
    expect(months.map((m) => m.days.length)).toEqual([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    // 2026-01-01 is a Thursday: three blanks (Mon–Wed); 2026-10-01 is a Thursday too.
    expect(months[0].lead).toBe(3)
    expect(months[9].lead).toBe(3)
    // 2026-02-01 is a Sunday: six blanks.
    expect(months[1].lead).toBe(6)
  })
  it('handles a leap year', () => {
    expect(calendarMonths(2028, yearOf(2028))[1].days).toHaveLength(29)
  })
})

describe('helpers', () => {
  it('titles a day with its weekday and name', () => {
    const d = { ...yearOf(2026)[273], name: '国庆节' }
    expect(d.date).toBe('2026-10-01')
    expect(dayTitleParts(d, '一,二,三,四,五,六,日'.split(','))).toBe('2026-10-01 四 国庆节')
  })
  it('shortens long edits', () => {
    const days = [1, 2, 3, 4, 5].map((i) => ({ date: `2027-10-0${i}`, workday: false, name: '国庆节' }))
    expect(historyDays(days, 3)).toEqual({ shown: days.slice(0, 3), more: 2 })
    expect(historyDays(days.slice(0, 1), 3).more).toBe(0)
  })
  it('gives the CST date', () => {
    expect(todayCst(new Date('2026-09-30T16:30:00Z'))).toBe('2026-10-01')
    expect(todayCst(new Date('2026-09-30T15:59:00Z'))).toBe('2026-09-30')
  })
})
