// The live sync state shared by the top bar and the 同步 screen: the first paint comes from
// `sync_status`, then Rust's events (`sync://status`, `sync://progress`, `signals://changed`)
// keep it current without a reload. A new red card raises a notification (Art. B5(3)).
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

function notifyNewRed(s: SignalsChanged): void {
  const t = i18n.global.t
  const title = t('live.newRedTitle')
  const body = t('live.newRedBody', { count: s.new_red, example: s.example_case ?? '' })
  ElNotification({ type: 'error', title, message: body, duration: 8000, customClass: 'live-red-notice' })
  // The desktop notification (WebKitGTK shows the page's Notification through the system
  // notifier when permission is granted); the in-app one above is always shown.
  try {
    if (typeof Notification === 'undefined') return
    if (Notification.permission === 'granted') {
      new Notification(title, { body })
    } else if (Notification.permission === 'default') {
      void Notification.requestPermission().then((p) => {
        if (p === 'granted') new Notification(title, { body })
      })
    }
  } catch {
    // No notifier on this desktop: the in-app notification stands.
  }
}

/** Loads the status and subscribes to the events (once). */
export async function startLive(): Promise<void> {
  if (started) return
  started = true
  try {
    await onEvent<SyncStatus>(SYNC_EVENTS.status, (s) => {
      status.value = s
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
      if (s.new_red > 0) notifyNewRed(s)
    })
    status.value = await syncStatus()
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
    status.value = await syncStatus()
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
