// The only module that talks to Rust. Every command gets a typed wrapper here; screens never
// call `invoke` or `listen` themselves. Every wrapper rejects with an ApiError ({code, message}).
// The command names and their request/response types come from Rust's one command list
// (crates/api/src/commands.rs → bindings/commands.ts): `call` accepts only a listed name with
// its request type, so a wrong name or request shape fails `vue-tsc`.
import { invoke, isTauri } from '@tauri-apps/api/core'
import { listen, type UnlistenFn } from '@tauri-apps/api/event'
import { ElMessage } from 'element-plus'
import type { AppInfo } from './bindings/AppInfo'
import type { CommandName, Commands } from './bindings/commands'
import { NOT_IN_APP, messageFor, toApiError, type ApiError } from './apiError'
import { i18n } from './i18n'

export type { AppInfo, ApiError, UnlistenFn, CommandName, Commands }

/** True inside the Tauri webview; false in a plain browser (vite dev/preview). */
export function inDesktopApp(): boolean {
  return isTauri()
}

/** What `call(name, …)` takes after the name: the command's request, or nothing for commands
 * without one. */
export type CallArgs<K extends CommandName> = Commands[K]['request'] extends null ? [] : [req: Commands[K]['request']]

/** Runs one command: `invoke(name, { req })` (`{}` without a request), as the Rust shell's
 * generated commands take it. Rejects with an ApiError. Screens use the wrappers below. */
export async function call<K extends CommandName>(command: K, ...args: CallArgs<K>): Promise<Commands[K]['response']> {
  if (!isTauri()) throw { ...NOT_IN_APP }
  try {
    return await invoke<Commands[K]['response']>(command, args.length ? { req: args[0] } : {})
  } catch (reason) {
    const error = toApiError(reason)
    // Signed out or locked meanwhile (idle lock): auth.ts shows the lock/sign-in page at once.
    if (error.code === 'unauthenticated') window.dispatchEvent(new CustomEvent(UNAUTHENTICATED_EVENT))
    throw error
  }
}

/** Dispatched on `window` whenever a command fails with `unauthenticated`. */
export const UNAUTHENTICATED_EVENT = 'jiancha:unauthenticated'

// ---- Commands (one wrapper per Rust command; names and types from bindings/commands.ts) ----

/** `app_info`: version, database path, feed URL (and whether it is the built-in demo feed),
 * schema version. */
export function appInfo(): Promise<AppInfo> {
  return call('app_info')
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
  const message = messageFor(error.message, String(i18n.global.locale.value))
  // A message that already starts with its title is not prefixed twice (输入有误：输入有误：…).
  if (message.startsWith(title)) return message
  return i18n.global.t('errors.format', { title, message })
}

/** A message Rust wrote for people (a status, a reason), in the page's language: the Chinese
 * UI drops its English gloss (`messageFor`). */
export function rustText(message: string): string {
  return messageFor(message, String(i18n.global.locale.value))
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
  return call('calendar_year', { year })
}

/** `calendar_history`: every import and edit, newest first. */
export function calendarHistory(): Promise<CalendarEditEntry[]> {
  return call('calendar_history')
}

/** `calendar_import`: a year's arrangement (file text read in the page); recomputes every case. */
export function calendarImport(req: CalendarImportRequest): Promise<CalendarChangeResult> {
  return call('calendar_import', req)
}

/** `calendar_edit_day`: one day set on or off with a mandatory reason; recomputes every case. */
export function calendarEditDay(req: CalendarDayEditRequest): Promise<CalendarChangeResult> {
  return call('calendar_edit_day', req)
}

// ---- Sign-in, session, accounts, leader approvals, audit (issue 7; Rust: service::auth) ----

import type { AuthStatus } from './bindings/AuthStatus'
import type { Account } from './bindings/Account'
import type { NewAccountRequest } from './bindings/NewAccountRequest'
import type { ApprovalTicket } from './bindings/ApprovalTicket'
import type { AuditPage } from './bindings/AuditPage'
import type { AuditVerifyReport } from './bindings/AuditVerifyReport'

export type { AuthStatus, Account, NewAccountRequest, ApprovalTicket, AuditPage, AuditVerifyReport }

/** `auth_status`: setup needed? signed-in user, locked? (does not count as activity). */
export function authStatus(): Promise<AuthStatus> {
  return call('auth_status')
}
/** `auth_touch`: reports user activity (keeps the session from the idle lock). */
export function authTouch(): Promise<AuthStatus> {
  return call('auth_touch')
}
/** `auth_setup_admin`: first run only — creates the first administrator and signs in. */
export function authSetupAdmin(username: string, displayName: string, password: string): Promise<AuthStatus> {
  return call('auth_setup_admin', { username, display_name: displayName, password })
}
export function authSignIn(username: string, password: string): Promise<AuthStatus> {
  return call('auth_sign_in', { username, password })
}
export function authSignOut(): Promise<AuthStatus> {
  return call('auth_sign_out')
}
export function authLock(): Promise<AuthStatus> {
  return call('auth_lock')
}
export function authUnlock(password: string): Promise<AuthStatus> {
  return call('auth_unlock', { password })
}
export function authChangePassword(current: string, newPassword: string): Promise<void> {
  return call('auth_change_password', { current, new_password: newPassword })
}
/** `auth_leader_approval`: a leader's own username and password → an approval kept in Rust;
 * pass `approval_id` to the one action it approves. */
export function authLeaderApproval(username: string, password: string): Promise<ApprovalTicket> {
  return call('auth_leader_approval', { username, password })
}
export function accountsList(): Promise<Account[]> {
  return call('accounts_list')
}
export function accountsCreate(request: NewAccountRequest): Promise<Account> {
  return call('accounts_create', request)
}
export function accountsSetActive(username: string, active: boolean): Promise<void> {
  return call('accounts_set_active', { username, active })
}
export function accountsResetPassword(username: string, newPassword: string): Promise<void> {
  return call('accounts_reset_password', { username, new_password: newPassword })
}
/** `audit_page`: entries newest first. */
export function auditPage(offset: number, limit: number): Promise<AuditPage> {
  return call('audit_page', { offset, limit })
}
/** `audit_verify`: walks the whole hash chain. */
export function auditVerify(): Promise<AuditVerifyReport> {
  return call('audit_verify')
}

// ---- 队列 / 案件 / 总览 (queues, case, dashboard: issue 5) ----

import type { CardPage } from './bindings/CardPage'
import type { CardRow } from './bindings/CardRow'
import type { CardLevel } from './bindings/CardLevel'
import type { QueueFilter } from './bindings/QueueFilter'
import type { QueueCounts } from './bindings/QueueCounts'
import type { FindingFilter } from './bindings/FindingFilter'
import type { FindingPage } from './bindings/FindingPage'
import type { FindingRow } from './bindings/FindingRow'
import type { RegionNode } from './bindings/RegionNode'
import type { ItemOption } from './bindings/ItemOption'
import type { CaseDetail } from './bindings/CaseDetail'
import type { Dashboard } from './bindings/Dashboard'
import type { FetchPage } from './components/queuePager'

export type {
  CardPage,
  CardRow,
  CardLevel,
  QueueFilter,
  QueueCounts,
  FindingFilter,
  FindingPage,
  FindingRow,
  RegionNode,
  ItemOption,
  CaseDetail,
  Dashboard,
}

/** `queue_page`: one page of a card queue, most urgent (longest past the deadline) first. */
export function queuePage(filter: QueueFilter, offset: number, limit: number): Promise<CardPage> {
  return call('queue_page', { filter, page: { offset, limit } })
}

/** `queue_counts`: open cards per level under the filter (its level ignored), open findings. */
export function queueCounts(filter: QueueFilter): Promise<QueueCounts> {
  return call('queue_counts', filter)
}

/** `finding_page`: one page of integrity findings, newest first. */
export function findingPage(filter: FindingFilter, offset: number, limit: number): Promise<FindingPage> {
  return call('finding_page', { filter, page: { offset, limit } })
}

/** `department_tree`: regions (市本级, counties) with their departments, for the filter. */
export function departmentTree(): Promise<RegionNode[]> {
  return call('department_tree')
}

/** `item_options`: the item catalogue (of one department), for the filter. */
export function itemOptions(deptId: string | null): Promise<ItemOption[]> {
  return call('item_options', { dept_id: deptId })
}

/** `case_detail`: facts, timeline, clock now, signals, findings and versions of one case. */
export function caseDetail(caseId: string): Promise<CaseDetail> {
  return call('case_detail', { case_id: caseId })
}

/** `dashboard`: open cards, new since yesterday, top departments and the two chart SVGs. */
export function dashboard(): Promise<Dashboard> {
  return call('dashboard')
}

/** A card queue's filter as a `FetchPage` for QueueTable (a new closure resets the table). */
export function cardPager(filter: QueueFilter): FetchPage<CardRow> {
  const f = { ...filter }
  return ({ offset, limit }) => queuePage(f, offset, limit).then((p) => ({ rows: p.rows, total: p.total }))
}

/** The findings filter as a `FetchPage`. */
export function findingPager(filter: FindingFilter): FetchPage<FindingRow> {
  const f = { ...filter }
  return ({ offset, limit }) => findingPage(f, offset, limit).then((p) => ({ rows: p.rows, total: p.total }))
}

// ---- Live sync and settings (issue 5 items 4 and 6) ----

import type { SyncStatus } from './bindings/SyncStatus'
import type { SyncProgress } from './bindings/SyncProgress'
import type { SignalsChanged } from './bindings/SignalsChanged'
import type { DeptSyncStatus } from './bindings/DeptSyncStatus'
import type { QuarantinePage } from './bindings/QuarantinePage'
import type { QuarantineRecord } from './bindings/QuarantineRecord'
import type { SettingsView } from './bindings/SettingsView'
import type { SettingsUpdate } from './bindings/SettingsUpdate'

export type {
  SyncStatus,
  SyncProgress,
  SignalsChanged,
  DeptSyncStatus,
  QuarantinePage,
  QuarantineRecord,
  SettingsView,
  SettingsUpdate,
}

/** Event names (the same strings as `jiancha_api::sync::EVENT_*`). */
export const SYNC_EVENTS = {
  progress: 'sync://progress',
  status: 'sync://status',
  signals: 'signals://changed',
} as const

/** `sync_status`: the live loop's state with fresh counts. */
export function syncStatus(): Promise<SyncStatus> {
  return call('sync_status')
}

/** `sync_now`: sync at once (also restarts a loop stopped by a permanent error). */
export function syncNow(): Promise<SyncStatus> {
  return call('sync_now')
}

/** `sync_departments`: every department's last data, last error, counts. */
export function syncDepartments(): Promise<DeptSyncStatus[]> {
  return call('sync_departments')
}

/** `quarantine_page`: quarantined records, newest first (limit 1–200). */
export function quarantinePage(offset: number, limit: number): Promise<QuarantinePage> {
  return call('quarantine_page', { offset, limit })
}

/** `quarantine_record`: one quarantined record with its raw payload. */
export function quarantineRecord(id: number): Promise<QuarantineRecord> {
  return call('quarantine_record', { id })
}

/** `settings_get`: the settings (the token only as a `••••abcd` hint). */
export function settingsGet(): Promise<SettingsView> {
  return call('settings_get')
}

/** `settings_update`: absent fields stay; `token: ''` removes the token. */
export function settingsUpdate(update: SettingsUpdate): Promise<SettingsView> {
  return call('settings_update', update)
}

// ---- Letter workflows: cards, 效能告诫书, red-card investigations, measures, notices
// (issues 6 and 7; Rust: service::commands::letters) ----
import type { AdmonitionDto } from './bindings/AdmonitionDto'
import type { AdmonitionState } from './bindings/AdmonitionState'
import type { AdmonitionStep } from './bindings/AdmonitionStep'
import type { CallOutcome } from './bindings/CallOutcome'
import type { CardAction } from './bindings/CardAction'
import type { CardColor } from './bindings/CardColor'
import type { CardDto } from './bindings/CardDto'
import type { CaseLettersDto } from './bindings/CaseLettersDto'
import type { DecisionBody } from './bindings/DecisionBody'
import type { DecisionInput } from './bindings/DecisionInput'
import type { LetterFilter } from './bindings/LetterFilter'
import type { LetterKind } from './bindings/LetterKind'
import type { LetterRow } from './bindings/LetterRow'
import type { ManualCardInput } from './bindings/ManualCardInput'
import type { MeasureDto } from './bindings/MeasureDto'
import type { MeasureInput } from './bindings/MeasureInput'
import type { MeasureKind } from './bindings/MeasureKind'
import type { NoticeDto } from './bindings/NoticeDto'
import type { RedCaseDto } from './bindings/RedCaseDto'
import type { RedOutcome } from './bindings/RedOutcome'
import type { RedState } from './bindings/RedState'
import type { RedStep } from './bindings/RedStep'
import type { ReliefGround } from './bindings/ReliefGround'
import type { StepDto } from './bindings/StepDto'
import type { TargetKind } from './bindings/TargetKind'
export type {
  AdmonitionDto, AdmonitionState, AdmonitionStep, CallOutcome, CardAction, CardColor, CardDto, CaseLettersDto, DecisionBody,
  DecisionInput, LetterFilter, LetterKind, LetterRow, ManualCardInput, MeasureDto, MeasureInput, MeasureKind, NoticeDto,
  RedCaseDto, RedOutcome, RedState, RedStep, ReliefGround, StepDto, TargetKind,
}

/** `letters_case`: a case's cards, letters, investigations, notices and measures. */
export function lettersCase(caseId: string): Promise<CaseLettersDto> {
  return call('letters_case', { case_id: caseId })
}
/** `letters_list`: the 文书 list (both kinds) with filters. */
export function lettersList(filter: LetterFilter): Promise<LetterRow[]> {
  return call('letters_list', filter)
}
/** `letters_red_queue`: red-card matters by the deadline of their open step (of one state). */
export function lettersRedQueue(state?: RedState): Promise<RedCaseDto[]> {
  return call('letters_red_queue', { state: state ?? null })
}
/** `letters_take_up_card`: registers the clock's yellow/red card of a case. */
export function lettersTakeUpCard(caseId: string, color: CardColor): Promise<CardDto> {
  return call('letters_take_up_card', { case_id: caseId, color })
}
export function lettersRaiseCard(input: ManualCardInput): Promise<CardDto> {
  return call('letters_raise_card', input)
}
/** Exempt/revoke with the approval id the leader-approval dialog returned. */
export function lettersRelieveCard(cardId: string, action: CardAction, ground: ReliefGround, reason: string, approvalId: string): Promise<CardDto> {
  return call('letters_relieve_card', { card_id: cardId, action, ground, reason, approval_id: approvalId })
}
export function lettersAdmonitionDraft(cardIds: string[]): Promise<AdmonitionDto> {
  return call('letters_admonition_draft', { card_ids: cardIds })
}
export function lettersAdmonitionGet(id: string): Promise<AdmonitionDto> {
  return call('letters_admonition_get', { id })
}
export function lettersAdmonitionEdit(id: string, addressee: string, body: string): Promise<AdmonitionDto> {
  return call('letters_admonition_edit', { id, addressee, body })
}
/** One step of a 效能告诫书: `{ step: 'number' }`, `{ step: 'receive_report', report_path }`, …. */
export function lettersAdmonitionStep(id: string, step: AdmonitionStep): Promise<AdmonitionDto> {
  return call('letters_admonition_step', { id, ...step })
}
export function lettersRedSubmit(cardId: string, summary: string): Promise<RedCaseDto> {
  return call('letters_red_submit', { card_id: cardId, summary })
}
export function lettersRedApproval(id: string, approve: boolean, text: string, approvalId: string): Promise<RedCaseDto> {
  return call('letters_red_approval', { id, approve, text, approval_id: approvalId })
}
/** One step of a red-card matter: `{ step: 'propose', outcome, reason }`, `{ step: 'file' }`, …. */
export function lettersRedStep(id: string, step: RedStep): Promise<RedCaseDto> {
  return call('letters_red_step', { id, ...step })
}
export function lettersRedDecision(id: string, decision: DecisionInput): Promise<RedCaseDto> {
  return call('letters_red_decision', { id, decision })
}
export function lettersRedGet(id: string): Promise<RedCaseDto> {
  return call('letters_red_get', { id })
}
export function lettersMeasure(input: MeasureInput): Promise<MeasureDto> {
  return call('letters_measure', input)
}
/** `calledAt`: RFC 3339, empty = now. */
export function lettersPhoneCall(caseId: string, handler: string, calledAt: string, outcome: CallOutcome, note: string): Promise<NoticeDto> {
  return call('letters_phone_call', { case_id: caseId, handler, called_at: calledAt, outcome, note })
}
/** Opens an issued letter's DOCX or PDF (a path from its `files`) in the system's viewer. */
export function lettersOpenFile(path: string): Promise<void> {
  return call('letters_open_file', { path })
}
/** Refused with `unavailable` while no SMS gateway is configured. */
export function lettersQueueSms(caseId: string, phone: string): Promise<NoticeDto> {
  return call('letters_queue_sms', { case_id: caseId, phone })
}

// ---- Notices and SMS: gateway settings, the directory (issue 6 item 1; Rust: service::sms) ----

import type { NoticeSettingsView } from './bindings/NoticeSettingsView'
import type { NoticeSettingsUpdate } from './bindings/NoticeSettingsUpdate'
import type { DispatchReport } from './bindings/DispatchReport'
import type { ContactDto } from './bindings/ContactDto'
import type { ContactImportResult } from './bindings/ContactImportResult'
import type { SmsTestResult } from './bindings/SmsTestResult'
import type { SmsDto } from './bindings/SmsDto'
import type { SmsEventDto } from './bindings/SmsEventDto'
import type { MissingContactDto } from './bindings/MissingContactDto'

export type { NoticeSettingsView, NoticeSettingsUpdate, DispatchReport, ContactDto, ContactImportResult, SmsTestResult, SmsDto, SmsEventDto, MissingContactDto }

/** `notice_settings_get`: gateway, quiet hours, escalation, the centre's facts (secrets as hints). */
export function noticeSettingsGet(): Promise<NoticeSettingsView> {
  return call('notice_settings_get')
}
/** `notice_settings_update`: absent fields stay; `secret: ''` removes the stored secret. */
export function noticeSettingsUpdate(update: NoticeSettingsUpdate): Promise<NoticeSettingsView> {
  return call('notice_settings_update', update)
}
export function smsContactsList(): Promise<ContactDto[]> {
  return call('sms_contacts_list')
}
/** Lines `部门编码,角色,姓名,手机号码`; all or nothing. */
export function smsContactsImport(text: string): Promise<ContactImportResult> {
  return call('sms_contacts_import', { text })
}
export function smsContactDelete(id: number): Promise<void> {
  return call('sms_contact_delete', { id })
}
/** One test message through the configured gateway, now. */
export function smsTestSend(phone: string): Promise<SmsTestResult> {
  return call('sms_test_send', { phone })
}
/** Handlers of open cards with no number in the directory, most cards first. */
export function smsContactsMissing(limit: number): Promise<MissingContactDto[]> {
  return call('sms_contacts_missing', { limit })
}
