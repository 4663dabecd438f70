import { describe, expect, it } from 'vitest'
import { QueuePager, type PageRequest, type PageResult } from './queuePager'

interface Row {
  id: number
}

/** A fake Rust side over `total` rows whose answers the test releases by hand. */
function source(total: number) {
  const requests: PageRequest[] = []
  const pending: { req: PageRequest; resolve: (r: PageResult<Row>) => void; reject: (e: unknown) => void }[] = []
  const fetch = (req: PageRequest) =>
    new Promise<PageResult<Row>>((resolve, reject) => {
      requests.push(req)
      pending.push({ req, resolve, reject })
    })
  const answer = (req: PageRequest, currentTotal = total): PageResult<Row> => {
    const end = Math.min(currentTotal, req.offset + req.limit)
    const rows: Row[] = []
    for (let i = req.offset; i < end; i++) rows.push({ id: i })
    return { rows, total: currentTotal }
  }
  /** Resolves every outstanding request and lets the pager's continuations run. */
  const flush = async (currentTotal = total) => {
    while (pending.length > 0) {
      const batch = pending.splice(0)
      for (const p of batch) p.resolve(answer(p.req, currentTotal))
      await Promise.resolve()
      await new Promise((r) => setTimeout(r, 0))
    }
  }
  // Let the pager's deferred `fetchPage` calls happen before inspecting `requests`.
  const tick = () => new Promise((r) => setTimeout(r, 0))
  return { fetch, requests, pending, flush, tick }
}

describe('QueuePager', () => {
  it('asks only for the first page before the total is known', async () => {
    const s = source(100_000)
    const pager = new QueuePager<Row>(s.fetch, { pageSize: 50 })
    const done = pager.ensureRange(0, 30)
    await s.tick()
    expect(s.requests).toEqual([{ offset: 0, limit: 50 }])
    expect(pager.total).toBeNull()
    await s.flush()
    await done
    expect(pager.total).toBe(100_000)
    expect(pager.rowAt(0)).toEqual({ id: 0 })
    expect(pager.rowAt(49)).toEqual({ id: 49 })
    expect(pager.rowAt(50)).toBeUndefined()
  })

  it('never fetches the whole queue: a window loads its pages plus the prefetch margin', async () => {
    const s = source(100_000)
    const pager = new QueuePager<Row>(s.fetch, { pageSize: 100, prefetchPages: 1 })
    await Promise.all([pager.ensureRange(0, 30), s.tick().then(() => s.flush())])
    s.requests.length = 0
    const done = pager.ensureRange(50_020, 50_060)
    await s.tick()
    // Page 500 holds rows 50,000–50,099; one page of prefetch on each side.
    expect(s.requests.map((r) => r.offset)).toEqual([49_900, 50_000, 50_100])
    expect(s.requests.every((r) => r.limit === 100)).toBe(true)
    await s.flush()
    await done
    expect(pager.rowAt(50_040)).toEqual({ id: 50_040 })
    // Far less than the queue is in memory.
    expect(pager.loadedCount).toBeLessThanOrEqual(5 * 100)
  })

  it('shares a request for a page that is already in flight', async () => {
    const s = source(1_000)
    const pager = new QueuePager<Row>(s.fetch, { pageSize: 100, prefetchPages: 0 })
    const a = pager.ensureRange(0, 10)
    const b = pager.ensureRange(5, 20)
    await s.tick()
    expect(s.requests).toHaveLength(1)
    expect(pager.loading).toBe(true)
    await s.flush()
    await Promise.all([a, b])
    expect(pager.loading).toBe(false)
    // Loaded pages are not asked for again.
    await pager.ensureRange(0, 99)
    await s.tick()
    expect(s.requests).toHaveLength(1)
  })

  it('clamps the last page to the rows that exist', async () => {
    const s = source(250)
    const pager = new QueuePager<Row>(s.fetch, { pageSize: 100, prefetchPages: 5 })
    await Promise.all([pager.ensureRange(0, 0), s.tick().then(() => s.flush())])
    s.requests.length = 0
    const done = pager.ensureRange(240, 10_000)
    await s.tick()
    expect(s.requests).toEqual([
      { offset: 100, limit: 100 },
      { offset: 200, limit: 50 },
    ])
    await s.flush()
    await done
    expect(pager.rowAt(249)).toEqual({ id: 249 })
    expect(pager.rowAt(250)).toBeUndefined()
  })

  it('asks for nothing more once the queue is known to be empty', async () => {
    const s = source(0)
    const pager = new QueuePager<Row>(s.fetch, { pageSize: 100 })
    await Promise.all([pager.ensureRange(0, 40), s.tick().then(() => s.flush())])
    expect(pager.total).toBe(0)
    s.requests.length = 0
    await pager.ensureRange(0, 40)
    await s.tick()
    expect(s.requests).toEqual([])
  })

  it('drops answers that arrive after a reset (the filter changed)', async () => {
    const s = source(1_000)
    const pager = new QueuePager<Row>(s.fetch, { pageSize: 100, prefetchPages: 0 })
    void pager.ensureRange(0, 10)
    await s.tick()
    const stale = s.pending.splice(0)
    pager.reset()
    // The old answer arrives late and must not land in the cache.
    stale[0]!.resolve({ rows: [{ id: -1 }], total: 1 })
    await s.tick()
    expect(pager.total).toBeNull()
    expect(pager.rowAt(0)).toBeUndefined()
  })

  it('switches to a new source with setFetch and forgets the old rows', async () => {
    const a = source(1_000)
    const b = source(3)
    const pager = new QueuePager<Row>(a.fetch, { pageSize: 100 })
    await Promise.all([pager.ensureRange(0, 10), a.tick().then(() => a.flush())])
    expect(pager.total).toBe(1_000)
    pager.setFetch(b.fetch)
    expect(pager.total).toBeNull()
    expect(pager.loadedCount).toBe(0)
    await Promise.all([pager.ensureRange(0, 10), b.tick().then(() => b.flush())])
    expect(pager.total).toBe(3)
    expect(a.requests).toHaveLength(1)
  })

  it('evicts the pages farthest from the view past the cache limit', async () => {
    const s = source(100_000)
    const pager = new QueuePager<Row>(s.fetch, { pageSize: 10, prefetchPages: 0, maxCachedPages: 3 })
    for (const row of [0, 100, 200, 300, 5_000]) {
      await Promise.all([pager.ensureRange(row, row), s.tick().then(() => s.flush())])
    }
    expect(pager.cachedPages.length).toBe(3)
    // The last view (row 5,000 → page 500) is kept; page 0 (farthest) is gone.
    expect(pager.cachedPages).toContain(500)
    expect(pager.cachedPages).not.toContain(0)
    expect(pager.loadedCount).toBe(30)
  })

  it('keeps a failure, does not retry by itself, and retries after clearFailures', async () => {
    let fail = true
    const requests: PageRequest[] = []
    const pager = new QueuePager<Row>(
      async (req) => {
        requests.push(req)
        if (fail) throw { code: 'unavailable', message: 'feed down' }
        return { rows: [{ id: req.offset }], total: 1 }
      },
      { pageSize: 100 },
    )
    await pager.ensureRange(0, 10)
    expect(pager.failure).toEqual({ page: 0, reason: { code: 'unavailable', message: 'feed down' } })
    await pager.ensureRange(0, 10)
    expect(requests).toHaveLength(1)
    fail = false
    pager.clearFailures()
    await pager.ensureRange(0, 10)
    expect(requests).toHaveLength(2)
    expect(pager.failure).toBeNull()
    expect(pager.rowAt(0)).toEqual({ id: 0 })
  })

  it('rejects a page answer with more rows than asked or a bad total', async () => {
    const tooMany = new QueuePager<Row>(async () => ({ rows: [{ id: 0 }, { id: 1 }, { id: 2 }], total: 3 }), {
      pageSize: 2,
    })
    await tooMany.ensureRange(0, 0)
    expect(String(tooMany.failure?.reason)).toMatch(/3 rows, more than the 2 asked for/)
    expect(tooMany.rowAt(0)).toBeUndefined()

    const badTotal = new QueuePager<Row>(async () => ({ rows: [], total: -1 }), { pageSize: 2 })
    await badTotal.ensureRange(0, 0)
    expect(String(badTotal.failure?.reason)).toMatch(/invalid total/)
  })

  it('drops other cached pages when the total changes under it (live data)', async () => {
    const s = source(1_000)
    const pager = new QueuePager<Row>(s.fetch, { pageSize: 100, prefetchPages: 0 })
    await Promise.all([pager.ensureRange(0, 10), s.tick().then(() => s.flush())])
    await Promise.all([pager.ensureRange(500, 510), s.tick().then(() => s.flush(1_001))])
    expect(pager.total).toBe(1_001)
    expect(pager.cachedPages).toEqual([5])
  })

  it('notifies subscribers on arrivals and resets', async () => {
    const s = source(10)
    const pager = new QueuePager<Row>(s.fetch, { pageSize: 100 })
    let changes = 0
    const off = pager.subscribe(() => changes++)
    await Promise.all([pager.ensureRange(0, 5), s.tick().then(() => s.flush())])
    expect(changes).toBeGreaterThanOrEqual(2) // request started, answer arrived
    const before = changes
    pager.reset()
    expect(changes).toBe(before + 1)
    off()
    pager.reset()
    expect(changes).toBe(before + 1)
  })

  it('refuses nonsensical options', () => {
    const fetch = async () => ({ rows: [], total: 0 })
    expect(() => new QueuePager(fetch, { pageSize: 0 })).toThrow(/pageSize/)
    expect(() => new QueuePager(fetch, { maxCachedPages: 1.5 })).toThrow(/maxCachedPages/)
    expect(() => new QueuePager(fetch, { prefetchPages: -1 })).toThrow(/prefetchPages/)
  })
})
