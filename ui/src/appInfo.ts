// The console's facts about itself (from Rust's `app_info`), loaded once and shared by the top
// bar and the dashboard. When the call fails (or the page is not inside the desktop app) the
// error is kept and shown; nothing is made up in its place.
import { readonly, ref } from 'vue'
import { appInfo, type AppInfo, type ApiError } from './ipc'
import { toApiError } from './apiError'

const info = ref<AppInfo | null>(null)
const error = ref<ApiError | null>(null)
const loading = ref(false)

export async function loadAppInfo(): Promise<void> {
  loading.value = true
  try {
    info.value = await appInfo()
    error.value = null
  } catch (reason) {
    info.value = null
    error.value = toApiError(reason)
  } finally {
    loading.value = false
  }
}

export function useAppInfo() {
  return { info: readonly(info), error: readonly(error), loading: readonly(loading), reload: loadAppInfo }
}
