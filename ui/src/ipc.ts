// The only module that talks to Rust. Every command gets a typed wrapper here; screens never
// call `invoke` or `listen` themselves. Every wrapper rejects with an ApiError ({code, message}).
import { invoke, isTauri } from '@tauri-apps/api/core'
import { listen, type UnlistenFn } from '@tauri-apps/api/event'
import { ElMessage } from 'element-plus'
import type { AppInfo } from './bindings/AppInfo'
import { NOT_IN_APP, toApiError, type ApiError } from './apiError'
import { i18n } from './i18n'

export type { AppInfo, ApiError, UnlistenFn }

/** True inside the Tauri webview; false in a plain browser (vite dev/preview). */
export function inDesktopApp(): boolean {
  return isTauri()
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  if (!isTauri()) throw { ...NOT_IN_APP }
  try {
    return await invoke<T>(command, args)
  } catch (reason) {
    throw toApiError(reason)
  }
}

// ---- Commands (one wrapper per Rust command; keep in step with src-tauri and capabilities) ----

/** `app_info`: version, database path, feed URL (and whether it is the built-in demo feed),
 * schema version. */
export function appInfo(): Promise<AppInfo> {
  return call<AppInfo>('app_info')
}

// ---- Events ----

/** Subscribes to a Tauri event emitted by Rust; resolves to the function that unsubscribes.
 * Rejects with an ApiError outside the desktop app. */
export async function onEvent<T>(event: string, handler: (payload: T) => void): Promise<UnlistenFn> {
  if (!isTauri()) throw { ...NOT_IN_APP }
  try {
    return await listen<T>(event, (e) => handler(e.payload))
  } catch (reason) {
    throw toApiError(reason)
  }
}

// ---- Showing errors ----

/** The text shown for an error: the code's name in the current language, then Rust's message. */
export function errorText(error: ApiError): string {
  const title = i18n.global.t(`errors.codes.${error.code}`)
  return i18n.global.t('errors.format', { title, message: error.message })
}

/** Shows any rejection (normalised to an ApiError) as an Element Plus message. */
export function showError(reason: unknown): ApiError {
  const error = toApiError(reason)
  ElMessage({ type: 'error', message: errorText(error), showClose: true, duration: 6000 })
  return error
}

// ---- 日历 (calendar screen) ----

import type { CalendarYearView } from './bindings/CalendarYearView'
import type { CalendarEditEntry } from './bindings/CalendarEditEntry'
import type { CalendarChangeResult } from './bindings/CalendarChangeResult'
import type { CalendarImportRequest } from './bindings/CalendarImportRequest'
import type { CalendarDayEditRequest } from './bindings/CalendarDayEditRequest'

export type { CalendarYearView, CalendarEditEntry, CalendarChangeResult, CalendarImportRequest, CalendarDayEditRequest }

/** `calendar_year`: every day of `year` in the effective calendar, the years to offer, who edits. */
export function calendarYear(year: number): Promise<CalendarYearView> {
  return call<CalendarYearView>('calendar_year', { year })
}

/** `calendar_history`: every import and edit, newest first. */
export function calendarHistory(): Promise<CalendarEditEntry[]> {
  return call<CalendarEditEntry[]>('calendar_history')
}

/** `calendar_import`: a year's arrangement (file text read in the page); recomputes every case. */
export function calendarImport(req: CalendarImportRequest): Promise<CalendarChangeResult> {
  return call<CalendarChangeResult>('calendar_import', { req })
}

/** `calendar_edit_day`: one day set on or off with a mandatory reason; recomputes every case. */
export function calendarEditDay(req: CalendarDayEditRequest): Promise<CalendarChangeResult> {
  return call<CalendarChangeResult>('calendar_edit_day', { req })
}
