// The workstation's session as the page sees it (Rust keeps the real one: service::auth).
// App.vue's AuthGate shows first-run setup, sign-in or the lock screen until `status` says a
// user is signed in and unlocked. `can(action)` hides buttons the role may not use; Rust checks
// again on every command, so hiding is a courtesy, not the control.
import { computed, readonly, ref } from 'vue'
import { UNAUTHENTICATED_EVENT, authStatus, authTouch, type AuthStatus } from './ipc'
import { toApiError, type ApiError } from './apiError'

const status = ref<AuthStatus | null>(null)
const error = ref<ApiError | null>(null)

/** Replaces the known status (every auth command returns the new one). */
export function setAuthStatus(next: AuthStatus): void {
  status.value = next
  error.value = null
}

export async function refreshAuth(): Promise<void> {
  try {
    setAuthStatus(await authStatus())
  } catch (reason) {
    error.value = toApiError(reason)
  }
}

/** Call when a command failed with `unauthenticated` (locked or signed out meanwhile). */
export function onUnauthenticated(e: ApiError): void {
  if (e.code === 'unauthenticated') void refreshAuth()
}

const signedIn = computed(() => !!status.value?.user && !status.value.locked)

/** Whether the signed-in role may perform `action` (an action code such as `redcard.submit`). */
export function can(action: string): boolean {
  return !!status.value?.user?.permissions.includes(action)
}

// Activity: keyboard and pointer input is reported to Rust at most once a minute, so a user
// reading a long page is not locked out; the idle lock itself is decided in Rust. A timer asks
// Rust every 20 s whether the session has locked, so the lock screen appears without a click.
const TOUCH_EVERY_MS = 60_000
let lastTouch = 0
let started = false

function onActivity(): void {
  if (!signedIn.value) return
  const now = Date.now()
  if (now - lastTouch < TOUCH_EVERY_MS) return
  lastTouch = now
  authTouch().then(setAuthStatus, (reason) => {
    const e = toApiError(reason)
    if (e.code === 'unauthenticated') void refreshAuth()
  })
}

export function startSessionWatch(): void {
  if (started) return
  started = true
  for (const ev of ['keydown', 'pointerdown', 'wheel']) window.addEventListener(ev, onActivity, { passive: true })
  // Any command refused as unauthenticated (wrong credentials included): re-read the status;
  // a locked or ended session then shows the lock screen or the sign-in page.
  window.addEventListener(UNAUTHENTICATED_EVENT, () => {
    if (status.value?.user && !status.value.locked) void refreshAuth()
  })
  window.setInterval(() => {
    if (status.value?.user && !status.value.locked) void refreshAuth()
  }, 20_000)
}

export function useAuth() {
  return { status: readonly(status), error: readonly(error), signedIn, can, refresh: refreshAuth }
}
