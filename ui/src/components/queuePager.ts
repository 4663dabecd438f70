// Paging logic behind QueueTable: a sparse, bounded cache of fixed-size pages fetched on demand
// from Rust. It never asks for more than `pageSize` rows at once and never fetches the whole
// queue: only the pages covering the rows on screen (plus a small prefetch margin) are requested,
// concurrent requests for the same page are shared, answers that arrive after a reset (e.g. the
// filter changed) are dropped, and pages far from the view are evicted past `maxCachedPages`.
// Pure TypeScript (no Vue, no DOM) so it is unit-tested in vitest.

/** One page request: rows [offset, offset + limit) of the queue in its current order. */
export interface PageRequest {
  offset: number
  limit: number
}

/** One page answer: the rows (at most `limit`) and the queue's total row count now. */
export interface PageResult<T> {
  rows: T[]
  total: number
}

export type FetchPage<T> = (request: PageRequest) => Promise<PageResult<T>>

export interface PagerOptions {
  /** Rows per request. */
  pageSize?: number
  /** Pages kept in memory; pages farthest from the last requested range are dropped first. */
  maxCachedPages?: number
  /** Extra pages fetched before and after the requested range. */
  prefetchPages?: number
}

export const DEFAULT_PAGE_SIZE = 100
export const DEFAULT_MAX_CACHED_PAGES = 20
export const DEFAULT_PREFETCH_PAGES = 1

/** Why a page failed (whatever the fetch rejected with, kept as is for the caller to show). */
export interface PageFailure {
  page: number
  reason: unknown
}

export type ChangeListener = () => void

export class QueuePager<T> {
  readonly pageSize: number
  readonly maxCachedPages: number
  readonly prefetchPages: number

  private fetchPage: FetchPage<T>
  private readonly pages = new Map<number, T[]>()
  private readonly inflight = new Map<number, Promise<void>>()
  private readonly failures = new Map<number, unknown>()
  private knownTotal: number | null = null
  private generation = 0
  private focusPage = 0
  private readonly listeners = new Set<ChangeListener>()

  constructor(fetchPage: FetchPage<T>, options: PagerOptions = {}) {
    this.fetchPage = fetchPage
    this.pageSize = positiveInt(options.pageSize ?? DEFAULT_PAGE_SIZE, 'pageSize')
    this.maxCachedPages = positiveInt(options.maxCachedPages ?? DEFAULT_MAX_CACHED_PAGES, 'maxCachedPages')
    this.prefetchPages = nonNegativeInt(options.prefetchPages ?? DEFAULT_PREFETCH_PAGES, 'prefetchPages')
  }

  /** Total rows in the queue, or null before the first page arrived. */
  get total(): number | null {
    return this.knownTotal
  }

  /** Rows currently held in memory. */
  get loadedCount(): number {
    let n = 0
    for (const rows of this.pages.values()) n += rows.length
    return n
  }

  /** Page indices currently held, ascending (for tests and diagnostics). */
  get cachedPages(): number[] {
    return [...this.pages.keys()].sort((a, b) => a - b)
  }

  /** True while any request is outstanding. */
  get loading(): boolean {
    return this.inflight.size > 0
  }

  /** The first failure still standing, if any. */
  get failure(): PageFailure | null {
    for (const [page, reason] of this.failures) return { page, reason }
    return null
  }

  /** Subscribes to changes (a page arrived or failed, the total changed, a reset). */
  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** The row at `index`, or undefined when its page is not loaded. */
  rowAt(index: number): T | undefined {
    if (!Number.isInteger(index) || index < 0) return undefined
    const rows = this.pages.get(Math.floor(index / this.pageSize))
    return rows?.[index % this.pageSize]
  }

  isLoaded(index: number): boolean {
    return this.rowAt(index) !== undefined
  }

  /** Replaces the data source (e.g. new filter) and forgets everything fetched so far. */
  setFetch(fetchPage: FetchPage<T>): void {
    this.fetchPage = fetchPage
    this.reset()
  }

  /** Forgets all pages and the total; answers still in flight will be ignored. */
  reset(): void {
    this.generation += 1
    this.pages.clear()
    this.inflight.clear()
    this.failures.clear()
    this.knownTotal = null
    this.emit()
  }

  /** Clears failures so the next `ensureRange` asks for those pages again. */
  clearFailures(): void {
    if (this.failures.size === 0) return
    this.failures.clear()
    this.emit()
  }

  /**
   * Makes sure the rows [first, last] (inclusive) are loaded or being loaded, plus
   * `prefetchPages` pages on each side. Pages that failed are not retried until
   * `clearFailures()`. Resolves when the requests it started (or joined) have settled.
   */
  ensureRange(first: number, last: number): Promise<void> {
    if (!Number.isFinite(first) || !Number.isFinite(last)) return Promise.resolve()
    let lo = Math.max(0, Math.floor(Math.min(first, last)))
    let hi = Math.max(0, Math.floor(Math.max(first, last)))
    if (this.knownTotal !== null) {
      if (this.knownTotal === 0) return Promise.resolve()
      hi = Math.min(hi, this.knownTotal - 1)
      lo = Math.min(lo, hi)
    }
    const firstPage = Math.floor(lo / this.pageSize)
    const lastPage = Math.floor(hi / this.pageSize)
    this.focusPage = Math.floor((firstPage + lastPage) / 2)
    const from = Math.max(0, firstPage - this.prefetchPages)
    let to = lastPage + this.prefetchPages
    // Before the total is known, do not guess pages past the requested range.
    if (this.knownTotal === null) to = lastPage
    else to = Math.min(to, this.pageCount() - 1)

    const waits: Promise<void>[] = []
    for (let page = from; page <= to; page++) {
      if (this.pages.has(page) || this.failures.has(page)) continue
      waits.push(this.load(page))
    }
    return Promise.all(waits).then(() => undefined)
  }

  private pageCount(): number {
    return this.knownTotal === null ? 0 : Math.ceil(this.knownTotal / this.pageSize)
  }

  private load(page: number): Promise<void> {
    const existing = this.inflight.get(page)
    if (existing) return existing
    const generation = this.generation
    const offset = page * this.pageSize
    const limit =
      this.knownTotal === null ? this.pageSize : Math.max(0, Math.min(this.pageSize, this.knownTotal - offset))
    const request = Promise.resolve()
      .then(() => this.fetchPage({ offset, limit }))
      .then(
        (result) => {
          if (generation !== this.generation) return
          this.inflight.delete(page)
          const problem = checkResult(result, limit)
          if (problem) {
            this.failures.set(page, new Error(problem))
          } else {
            this.accept(page, result)
          }
          this.emit()
        },
        (reason: unknown) => {
          if (generation !== this.generation) return
          this.inflight.delete(page)
          this.failures.set(page, reason)
          this.emit()
        },
      )
    this.inflight.set(page, request)
    this.emit()
    return request
  }

  private accept(page: number, result: PageResult<T>): void {
    if (this.knownTotal !== null && result.total !== this.knownTotal) {
      // The queue changed under us (live data): other cached pages may hold shifted rows.
      this.pages.clear()
      this.failures.clear()
    }
    this.knownTotal = result.total
    const offset = page * this.pageSize
    if (offset < result.total || result.rows.length > 0) this.pages.set(page, result.rows.slice())
    this.evict()
  }

  private evict(): void {
    if (this.pages.size <= this.maxCachedPages) return
    const byDistance = [...this.pages.keys()].sort(
      (a, b) => Math.abs(b - this.focusPage) - Math.abs(a - this.focusPage) || b - a,
    )
    for (const page of byDistance) {
      if (this.pages.size <= this.maxCachedPages) break
      this.pages.delete(page)
    }
  }

  private emit(): void {
    for (const listener of [...this.listeners]) listener()
  }
}

function checkResult<T>(result: PageResult<T> | undefined, limit: number): string | null {
  if (!result || !Array.isArray(result.rows)) return 'page answer has no rows array'
  if (!Number.isInteger(result.total) || result.total < 0)
    return `page answer has an invalid total: ${String(result.total)}`
  if (result.rows.length > limit) return `page answer has ${result.rows.length} rows, more than the ${limit} asked for`
  return null
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`)
  return value
}

function nonNegativeInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`)
  return value
}
