// Pure helpers of the 日历 screen (unit-tested in calendarGrid.test.ts).
import type { CalendarDay } from './bindings/CalendarDay'
import type { CalendarEditDay } from './bindings/CalendarEditDay'

export interface MonthBlock {
  /** 1–12. */
  month: number
  /** Blank cells before the 1st (Monday-first weeks). */
  lead: number
  days: CalendarDay[]
}

/** Splits a year's days (Jan 1 … Dec 31, as Rust sends them) into twelve Monday-first months. */
export function calendarMonths(year: number, days: CalendarDay[]): MonthBlock[] {
  const blocks: MonthBlock[] = []
  for (let m = 1; m <= 12; m++) {
    const prefix = `${year}-${String(m).padStart(2, '0')}-`
    const monthDays = days.filter((d) => d.date.startsWith(prefix))
    const lead = monthDays.length ? monthDays[0].weekday - 1 : 0
    blocks.push({ month: m, lead, days: monthDays })
  }
  return blocks
}

/** "2026-10-01 周四 国庆节": the date, its weekday and its name. */
export function dayTitleParts(d: CalendarDay, weekdayNames: string[]): string {
  const wd = weekdayNames[d.weekday - 1] ?? ''
  return [d.date, wd, d.name].filter(Boolean).join(' ')
}

/** The first `n` days of an edit and how many more there are. */
export function historyDays(days: CalendarEditDay[], n: number): { shown: CalendarEditDay[]; more: number } {
  return { shown: days.slice(0, n), more: Math.max(0, days.length - n) }
}

/** Today's date in China Standard Time (UTC+8), `YYYY-MM-DD`, whatever the machine's zone. */
export function todayCst(now: Date): string {
  return new Date(now.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10)
}
