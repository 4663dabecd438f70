// The live sync state shared by the top bar and the 同步 screen: the first paint comes from
// `sync_status`, then Rust's events (`sync://status`, `sync://progress`, `signals://changed`)
// keep it current without a reload. A new red card raises an in-app notification (Art. B5(3);
// the desktop one comes from Rust).
// Also makes Rust the source of truth of the interface language (settings `language`).
import { readonly, ref } from 'vue'
import { ElNotification } from 'element-plus'
import {
  SYNC_EVENTS,
  onEvent,
  settingsGet,
  settingsUpdate,
  syncStatus,
  type ApiError,
  type SignalsChanged,
  type SyncProgress,
  type SyncStatus,
} from './ipc'
import { toApiError } from './apiError'
import { i18n, isLanguage, onLanguageChosen, setLanguage, currentLanguage } from './i18n'

const status = ref<SyncStatus | null>(null)
const progress = ref<SyncProgress | null>(null)
const signals = ref<SignalsChanged | null>(null)
const error = ref<ApiError | null>(null)
/** Bumps on every status or signals event: views reload their lists when it changes. */
const revision = ref(0)
let started = false

/** The feed's clock as one status gave it: `feedTime` (Unix seconds) read at `atMs` (page ms). */
export interface FeedSample {
  feedTime: number
  atMs: number
}

/** The feed's clock as last seen, and the speed it was seen moving at (feed s per wall s). */
export interface FeedClock {
  sample: FeedSample
  /** The sample the speed is measured from (replaced once a second or more has passed). */
  base: FeedSample
  speed: number
}

// The feed's clock is the app's "now" (issue 12 item 4): in the demo it runs at 600×, and the
// signals, cards, letter dates, SMS and audit entries are all in its time, so the top bar shows
// it (演示时间). Each status carries `feed_time` as Rust extrapolated it; between two statuses
// the page moves it on at the speed it saw from one to the next (Rust does not send it).
const feedClock = ref<FeedClock | null>(null)

/** Feed seconds per wall second between two samples; null when under a second apart or when
 * the clock went back (a sync's server time a little behind the extrapolation). */
export function observedSpeed(from: FeedSample, to: FeedSample): number | null {
  const wall = (to.atMs - from.atMs) / 1000
  if (wall < 1) return null
  const speed = (to.feedTime - from.feedTime) / wall
  return speed >= 0 ? speed : null
}

/** The clock after a new sample: the speed re-measured once a second has passed since `base`. */
export function nextFeedClock(prev: FeedClock | null, sample: FeedSample): FeedClock {
  if (!prev) return { sample, base: sample, speed: 1 }
  if (sample.atMs - prev.base.atMs < 1000) return { ...prev, sample }
  return { sample, base: sample, speed: observedSpeed(prev.base, sample) ?? prev.speed }
}

/** The feed's clock at page time `nowMs` (Unix seconds). */
export function feedTimeAt(clock: FeedClock, nowMs: number): number {
  return clock.sample.feedTime + (Math.max(0, nowMs - clock.sample.atMs) / 1000) * clock.speed
}

/** More than this apart from the wall clock, the feed's clock is another time (the demo's). */
export const OTHER_TIME_SECS = 60

/** Whether `feedTime` is another time than the wall clock at `nowMs`. */
export function isOtherTime(feedTime: number, nowMs: number): boolean {
  return Math.abs(feedTime - nowMs / 1000) > OTHER_TIME_SECS
}

function setStatus(s: SyncStatus): void {
  status.value = s
  if (s.feed_time !== null) {
    feedClock.value = nextFeedClock(feedClock.value, { feedTime: s.feed_time, atMs: Date.now() })
  }
}

// New red cards are gathered and announced at most once a minute (the demo feed runs at 600×
// and raises red cards every few seconds; one notification each would drown the officer).
const NOTIFY_GAP_MS = 60_000
let pendingRed = 0
let pendingExample: string | null = null
let lastNotified = 0
let notifyTimer: ReturnType<typeof setTimeout> | undefined

function queueNewRed(s: SignalsChanged): void {
  pendingRed += s.new_red
  pendingExample = s.example_case ?? pendingExample
  if (notifyTimer) return
  const wait = Math.max(0, lastNotified + NOTIFY_GAP_MS - Date.now())
  notifyTimer = setTimeout(() => {
    notifyTimer = undefined
    lastNotified = Date.now()
    const count = pendingRed
    pendingRed = 0
    notifyNewRed(count, pendingExample)
  }, wait)
}

function notifyNewRed(count: number, example: string | null): void {
  const t = i18n.global.t
  const title = t('live.newRedTitle')
  const body = t('live.newRedBody', { count, example: example ?? '' })
  // Bottom-right: a notice at the top right would cover the user menu and sync bar.
  ElNotification({
    type: 'error',
    title,
    message: body,
    duration: 8000,
    position: 'bottom-right',
    customClass: 'live-red-notice',
  })
  // The desktop notification is sent by Rust (src-tauri/lib.rs, through the freedesktop
  // notifier): WebKitGTK under Tauri denies the page's Notification permission.
}

/** Loads the status and subscribes to the events (once). */
export async function startLive(): Promise<void> {
  if (started) return
  started = true
  try {
    await onEvent<SyncStatus>(SYNC_EVENTS.status, (s) => {
      setStatus(s)
      if (s.state !== 'syncing') progress.value = null
      revision.value++
    })
    await onEvent<SyncProgress>(SYNC_EVENTS.progress, (p) => {
      progress.value = p
    })
    await onEvent<SignalsChanged>(SYNC_EVENTS.signals, (s) => {
      signals.value = s
      if (status.value) status.value = { ...status.value, signals: s.signals }
      revision.value++
      if (s.new_red > 0) queueNewRed(s)
    })
    setStatus(await syncStatus())
    error.value = null
  } catch (reason) {
    error.value = toApiError(reason)
  }
  // The language: Rust's setting wins over the first-paint guess; a choice is stored in Rust.
  try {
    const settings = await settingsGet()
    if (isLanguage(settings.language) && settings.language !== currentLanguage()) {
      setLanguage(settings.language)
    }
  } catch {
    // Outside the desktop app: the local choice stands.
  }
  onLanguageChosen((language) => {
    settingsUpdate({ language }).catch(() => undefined)
  })
}

/** Re-reads the status (after `sync_now`, or when an event was missed). */
export async function refreshStatus(): Promise<void> {
  try {
    setStatus(await syncStatus())
    error.value = null
  } catch (reason) {
    error.value = toApiError(reason)
  }
}

export function useLive() {
  return {
    status: readonly(status),
    progress: readonly(progress),
    signals: readonly(signals),
    error: readonly(error),
    revision: readonly(revision),
    feedClock: readonly(feedClock),
  }
}

/** `12.3 MB`-style sizes. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}

/** A Unix-seconds instant in China Standard Time, `YYYY-MM-DD HH:mm:ss`. */
export function formatInstant(unix: number | null | undefined): string {
  if (unix === null || unix === undefined) return '—'
  const d = new Date((unix + 8 * 3600) * 1000)
  return d.toISOString().slice(0, 19).replace('T', ' ')
}
