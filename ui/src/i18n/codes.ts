// Labels of the codes Rust sends with its own Chinese label (`state_label`, `role_label`, …).
// Chinese UI: Rust's label, which is the authority (the measures' wording). English UI: the
// label below. Every map is typed by the generated union of its code (a code added in Rust
// fails the build here until it has an English label), so no Chinese reaches the English UI
// (issue 12 item 6).
import type { AccountRole } from '../bindings/AccountRole'
import type { AdmonitionState } from '../bindings/AdmonitionState'
import type { CardColor } from '../bindings/CardColor'
import type { CardState } from '../bindings/CardState'
import type { LetterKind } from '../bindings/LetterKind'
import type { MeasureKind } from '../bindings/MeasureKind'
import type { NoticeState } from '../bindings/NoticeState'
import type { RectificationSignal } from '../bindings/RectificationSignal'
import type { RedState } from '../bindings/RedState'

/** The SMS record's states and the directory's roles (strings in the DTOs). */
type SmsState = 'scheduled' | 'sent' | 'delivered' | 'undelivered' | 'failed'
type ContactRole = 'handler' | 'section_chief' | 'leader_in_charge'

const EN = {
  accountRole: { officer: 'Officer', leader: 'Leader', reviewer: 'Reviewer', admin: 'Administrator' } satisfies Record<AccountRole, string>,
  admonitionState: {
    draft: 'Draft',
    numbered: 'Numbered, to issue',
    issued: 'Issued, report awaited',
    report_received: 'Report received',
    filed: 'Filed',
    discarded: 'Discarded',
  } satisfies Record<AdmonitionState, string>,
  cardColor: { yellow: 'Yellow card', red: 'Red card' } satisfies Record<CardColor, string>,
  cardState: { active: 'Active', exempted: 'Exempted', revoked: 'Revoked' } satisfies Record<CardState, string>,
  letterKind: { admonition: 'Efficiency admonition', 'investigation-notice': 'Investigation notice' } satisfies Record<LetterKind, string>,
  measureKind: {
    admonition_talk: 'Admonition talk',
    efficiency_admonition: 'Efficiency admonition',
    self_examination: 'Written self-examination',
    circulated_criticism: 'Circulated criticism',
    suspension: 'Suspension',
    transfer: 'Transfer',
  } satisfies Record<MeasureKind, string>,
  noticeState: {
    pending: 'Pending',
    sent: 'SMS sent',
    delivered: 'SMS delivered',
    failed: 'Failed',
    phone_recorded: 'Phoned',
  } satisfies Record<NoticeState, string>,
  rectification: {
    not_issued: 'Not issued',
    on_time: 'Within the period',
    warning: 'Period ending',
    overdue: 'Overdue',
    received: 'Reported',
  } satisfies Record<RectificationSignal, string>,
  redState: {
    pending_approval: 'Awaiting the leader',
    rejected: 'Not approved',
    approved: 'Approved, route to choose',
    investigating: 'Centre investigating',
    notice_issued: 'Notice issued',
    findings_recorded: 'Findings recorded',
    proposed: 'Proposed, decision awaited',
    awaiting_handover: 'Case to open: hand over',
    awaiting_closure: 'To close after check',
    handed_over: 'Handed over',
    closed: 'Closed after check',
    filed: 'Filed',
  } satisfies Record<RedState, string>,
  smsState: { scheduled: 'Scheduled', sent: 'Sent', delivered: 'Delivered', undelivered: 'Not delivered', failed: 'Failed' } satisfies Record<SmsState, string>,
  contactRole: { handler: 'Handler', section_chief: 'Section chief', leader_in_charge: 'Leader in charge' } satisfies Record<ContactRole, string>,
} as const

export type CodeGroup = keyof typeof EN

/** The label of `code` in `group` for `locale`: Rust's (Chinese) `label` in the Chinese UI,
 * the English one otherwise (the code itself if Rust sent one this page does not know). */
export function codeLabel(locale: string, group: CodeGroup, code: string | null | undefined, label: string | null | undefined): string {
  if (locale.startsWith('zh')) return label ?? code ?? ''
  const map = EN[group] as Record<string, string>
  return (code && map[code]) || code || label || ''
}

/** Every English label (for the locale test). */
export const ENGLISH_CODE_LABELS: readonly string[] = Object.values(EN).flatMap((m) => Object.values(m))
