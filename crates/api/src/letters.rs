//! DTOs of the letter workflows: cards (Arts. B4, B5), 效能告诫书 (Arts. B7, B9), red-card
//! investigations and the 初步调查通知书 (Art. B8), accountability measures (Art. B10) and
//! warning notices (Art. B6). State and action codes are the workflow crate's (`draft`,
//! `issued`, …); `*_label` fields carry the Chinese labels for display.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One step of a workflow record: who, when, where, from which state to which.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct StepDto {
    pub from_state: Option<String>,
    pub to_state: String,
    pub action: String,
    pub actor: String,
    pub workstation: String,
    /// RFC 3339 instant (CST offset).
    pub at: String,
}

/// A document kept with a record (path as chosen, SHA-256 of the content when attached).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct AttachmentDto {
    pub purpose: String,
    pub name: String,
    pub path: String,
    pub sha256: String,
    pub added_at: String,
    pub added_by: String,
}

/// A yellow or red card.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct CardDto {
    pub id: String,
    /// `yellow` | `red`.
    pub color: String,
    pub color_label: String,
    /// `signal` (from the case clock) | `manual` (Art. B4).
    pub origin: String,
    pub case_id: Option<String>,
    pub unit: String,
    pub person: Option<String>,
    /// Art. B4 situation code (`b4_01`…) for manual cards.
    pub situation: Option<String>,
    pub description: String,
    pub signal_at: Option<String>,
    /// `active` | `exempted` | `revoked`.
    pub state: String,
    pub state_label: String,
    pub raised_at: String,
    pub raised_by: String,
    /// Exemption/revocation: ground, reason, who, when, approving leader.
    pub relief: Option<String>,
    pub evidence: Vec<AttachmentDto>,
}

/// A 效能告诫书 (Art. B7) with its rectification deadline (Art. B9).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct AdmonitionDto {
    pub id: String,
    pub unit: String,
    pub addressee: String,
    pub body: String,
    pub state: String,
    pub state_label: String,
    /// 文号 once assigned.
    pub number: Option<String>,
    pub created_at: String,
    pub created_by: String,
    pub issued_at: Option<String>,
    pub issued_by: Option<String>,
    /// CST date the unit's written report is due.
    pub report_due: Option<String>,
    /// `not_issued` | `on_time` | `warning` | `overdue` | `received`.
    pub rectification: String,
    pub rectification_label: String,
    pub report_received_at: Option<String>,
    pub filed_at: Option<String>,
    pub discard_reason: Option<String>,
    pub card_ids: Vec<String>,
    pub case_ids: Vec<String>,
    pub attachments: Vec<AttachmentDto>,
    /// Rendered files (DOCX, PDF) when issued and present on disk.
    pub files: Vec<String>,
    pub history: Vec<StepDto>,
}

/// A red-card matter (Art. B8).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct RedCaseDto {
    pub id: String,
    pub card_id: String,
    pub case_id: Option<String>,
    pub unit: String,
    pub summary: String,
    pub state: String,
    pub state_label: String,
    pub state_since: String,
    /// Deadline (CST date) of the open step.
    pub step_due: Option<String>,
    pub overdue: bool,
    pub created_at: String,
    pub created_by: String,
    pub approved_by: Option<String>,
    pub approval_opinion: Option<String>,
    pub rejection_reason: Option<String>,
    /// `direct` | `notice`.
    pub route: Option<String>,
    pub investigators: Option<String>,
    pub notice_number: Option<String>,
    pub notice_addressee: Option<String>,
    pub findings: Option<String>,
    /// `close_after_check` (初核了结) | `open_case` (立案调查), as proposed.
    pub proposal: Option<String>,
    pub proposal_reason: Option<String>,
    /// The decision: outcome, body, date, minutes number (one line).
    pub decision: Option<String>,
    pub handed_over_to: Option<String>,
    pub closing_note: Option<String>,
    pub attachments: Vec<AttachmentDto>,
    /// The 初步调查通知书's DOCX and PDF when issued.
    pub files: Vec<String>,
    pub history: Vec<StepDto>,
}

/// A warning notice (Art. B6): SMS or phone call.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct NoticeDto {
    pub id: String,
    pub case_id: String,
    pub handler: String,
    pub phone: Option<String>,
    /// `sms` | `phone`.
    pub channel: String,
    pub state: String,
    pub state_label: String,
    pub created_at: String,
    pub created_by: String,
    pub sent_at: Option<String>,
    pub delivered_at: Option<String>,
    pub failure: Option<String>,
    /// The call: who, when, outcome, note (one line).
    pub call: Option<String>,
}

/// An accountability measure (Art. B10).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct MeasureDto {
    pub id: String,
    pub target_kind: String,
    pub target_name: String,
    pub unit: String,
    pub kind: String,
    pub kind_label: String,
    pub decided_on: String,
    pub decision_doc: String,
    pub source_id: Option<String>,
    pub recorded_at: String,
    pub recorded_by: String,
}

/// Everything the case screen shows about a case's cards and letters.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct CaseLettersDto {
    pub case_id: String,
    /// The clock's current signal of the case: `normal|warning|yellow|red|done`, if evaluated.
    pub signal: Option<String>,
    pub cards: Vec<CardDto>,
    pub admonitions: Vec<AdmonitionDto>,
    pub red_cases: Vec<RedCaseDto>,
    pub notices: Vec<NoticeDto>,
    pub measures: Vec<MeasureDto>,
    /// Why SMS cannot be sent from here, when it cannot (no gateway configured).
    pub sms_unavailable: Option<String>,
    /// Every SMS of the case with its history (handler, escalations, retries).
    pub sms: Vec<crate::sms::SmsDto>,
    /// Why automatic notices or the escalation chain stopped for this case (e.g. no number in
    /// the directory), if they did.
    pub sms_stopped: Option<String>,
}

/// Filters of the 文书 list.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct LetterFilter {
    /// `admonition` | `investigation-notice`; none = both.
    pub kind: Option<String>,
    pub state: Option<String>,
    pub unit: Option<String>,
    /// CST dates (inclusive) on the creation instant.
    pub from: Option<String>,
    pub to: Option<String>,
}

/// One row of the 文书 list (both kinds).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct LetterRow {
    /// `admonition` | `investigation-notice`.
    pub kind: String,
    pub kind_label: String,
    /// The admonition's or the red-card matter's id.
    pub id: String,
    pub number: Option<String>,
    pub unit: String,
    pub state: String,
    pub state_label: String,
    pub created_at: String,
    pub created_by: String,
    pub issued_at: Option<String>,
    /// Rectification / step deadline.
    pub due: Option<String>,
    /// `on_time|warning|overdue|received|not_issued` (admonitions), `overdue|open` (red).
    pub due_signal: Option<String>,
    pub files: Vec<String>,
}

/// A new manual card (Art. B4).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct ManualCardInput {
    pub color: String,
    pub situation: String,
    pub case_id: Option<String>,
    pub unit: String,
    pub person: Option<String>,
    pub description: String,
    /// Files chosen in the page; read and hashed in Rust.
    pub evidence_paths: Vec<String>,
}

/// A decision of the standing committee / office meeting (Art. B8).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct DecisionInput {
    /// `close_after_check` | `open_case`.
    pub outcome: String,
    /// `standing_committee` | `directors_meeting`.
    pub body: String,
    /// CST date, YYYY-MM-DD.
    pub date: String,
    pub minutes_number: String,
}

/// A new accountability measure (Art. B10).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct MeasureInput {
    /// `person` | `unit`.
    pub target_kind: String,
    pub target_name: String,
    pub unit: String,
    pub kind: String,
    pub decided_on: String,
    pub decision_doc: String,
    pub decision_file: Option<String>,
    pub source_id: Option<String>,
}
