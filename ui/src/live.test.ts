import { describe, expect, it } from 'vitest'
import { feedTimeAt, isOtherTime, nextFeedClock, observedSpeed } from './live'

// The top bar's 演示时间 (issue 12 item 4): the feed's clock, moved on between statuses at the
// speed seen from one to the next.
describe('the feed clock between statuses', () => {
  const t0 = 1_796_000_000
  it('measures the speed once a second or more has passed, and moves the time on at it', () => {
    let c = nextFeedClock(null, { feedTime: t0, atMs: 0 })
    expect(c.speed).toBe(1)
    // Half a second later: too close to measure; the sample moves, the base stays.
    c = nextFeedClock(c, { feedTime: t0 + 300, atMs: 500 })
    expect(c.speed).toBe(1)
    expect(c.base.atMs).toBe(0)
    c = nextFeedClock(c, { feedTime: t0 + 1_200, atMs: 2_000 })
    expect(c.speed).toBe(600)
    // Three seconds on at 600×: half an hour.
    expect(feedTimeAt(c, 5_000)).toBe(t0 + 1_200 + 1_800)
    // Never backwards when the page's time is before the sample.
    expect(feedTimeAt(c, 1_000)).toBe(t0 + 1_200)
  })
  it('keeps the speed it had when the clock went back (a sync a little behind)', () => {
    expect(observedSpeed({ feedTime: t0, atMs: 0 }, { feedTime: t0 - 5, atMs: 2_000 })).toBeNull()
    const c = nextFeedClock(
      { sample: { feedTime: t0, atMs: 0 }, base: { feedTime: t0, atMs: 0 }, speed: 600 },
      { feedTime: t0 - 5, atMs: 2_000 },
    )
    expect(c.speed).toBe(600)
  })
  it('is another time than the wall clock only more than a minute apart', () => {
    const now = t0 * 1000
    expect(isOtherTime(t0 + 30, now)).toBe(false)
    expect(isOtherTime(t0 - 60, now)).toBe(false)
    expect(isOtherTime(t0 + 3 * 86_400, now)).toBe(true)
    expect(isOtherTime(t0 - 3_600, now)).toBe(true)
  })
})
