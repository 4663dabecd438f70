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
    /// Who carried the step out (the signed-in user).
    pub actor: String,
    /// The leader whose credentials approved the step, when it needed them (Arts. A8, B8).
    pub approver: Option<String>,
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
    pub color: CardColor,
    pub color_label: String,
    /// `signal` (from the case clock) | `manual` (Art. B4).
    pub origin: CardOrigin,
    pub case_id: Option<String>,
    pub unit: String,
    pub person: Option<String>,
    /// Art. B4 situation code (`b4_01`…) for manual cards.
    pub situation: Option<String>,
    pub description: String,
    pub signal_at: Option<String>,
    /// `active` | `exempted` | `revoked`.
    pub state: CardState,
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
    pub state: AdmonitionState,
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
    pub rectification: RectificationSignal,
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
    pub state: RedState,
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
    pub route: Option<RedRoute>,
    pub investigators: Option<String>,
    pub notice_number: Option<String>,
    pub notice_addressee: Option<String>,
    pub findings: Option<String>,
    /// `close_after_check` (初核了结) | `open_case` (立案调查), as proposed.
    pub proposal: Option<RedOutcome>,
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
    pub channel: NoticeChannel,
    pub state: NoticeState,
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
    pub target_kind: TargetKind,
    pub target_name: String,
    pub unit: String,
    pub kind: MeasureKind,
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
    pub signal: Option<CaseSignal>,
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
    #[ts(as = "Option<LetterKind>")]
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
    pub kind: LetterKind,
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
    #[ts(as = "CardColor")]
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
    #[ts(as = "RedOutcome")]
    pub outcome: String,
    /// `standing_committee` | `directors_meeting`.
    #[ts(as = "DecisionBody")]
    pub body: String,
    /// CST date, YYYY-MM-DD.
    pub date: String,
    pub minutes_number: String,
}

/// A new accountability measure (Art. B10).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct MeasureInput {
    /// `person` | `unit`.
    #[ts(as = "TargetKind")]
    pub target_kind: String,
    pub target_name: String,
    pub unit: String,
    #[ts(as = "MeasureKind")]
    pub kind: String,
    pub decided_on: String,
    pub decision_doc: String,
    pub decision_file: Option<String>,
    pub source_id: Option<String>,
}

// ---------------------------------------------------------------- codes

code_enum! {
    /// A card's colour (Art. B5 (2) 黄牌, (3) 红牌).
    pub enum CardColor { Yellow = "yellow", Red = "red" }
}

code_enum! {
    /// Where a card came from: the case clock (Art. B5) or an officer (Art. B4).
    pub enum CardOrigin { Signal = "signal", Manual = "manual" }
}

code_enum! {
    pub enum CardState { Active = "active", Exempted = "exempted", Revoked = "revoked" }
}

code_enum! {
    /// What a leader-approved relief does to a card: 免责 or 撤销.
    pub enum CardAction { Exempt = "exempt", Revoke = "revoke" }
}

code_enum! {
    /// Grounds for exemption or revocation (预警纠错办法, the exemptions after Art. B10).
    pub enum ReliefGround {
        FalsifiedMaterial = "falsified_material",
        ForceMajeure = "force_majeure",
        Other = "other",
    }
}

code_enum! {
    pub enum AdmonitionState {
        Draft = "draft",
        Numbered = "numbered",
        Issued = "issued",
        ReportReceived = "report_received",
        Filed = "filed",
        Discarded = "discarded",
    }
}

code_enum! {
    /// The rectification deadline's own signal (Art. B9).
    pub enum RectificationSignal {
        NotIssued = "not_issued",
        OnTime = "on_time",
        Warning = "warning",
        Overdue = "overdue",
        Received = "received",
    }
}

code_enum! {
    /// The state of a red-card matter (Art. B8).
    pub enum RedState {
        PendingApproval = "pending_approval",
        Rejected = "rejected",
        Approved = "approved",
        Investigating = "investigating",
        NoticeIssued = "notice_issued",
        FindingsRecorded = "findings_recorded",
        Proposed = "proposed",
        AwaitingHandover = "awaiting_handover",
        AwaitingClosure = "awaiting_closure",
        HandedOver = "handed_over",
        Closed = "closed",
        Filed = "filed",
    }
}

code_enum! {
    /// How a red-card matter is investigated: by the centre itself, or by a 初步调查通知书.
    pub enum RedRoute { Direct = "direct", Notice = "notice" }
}

code_enum! {
    /// The proposal, and the decision, after the preliminary check (Art. B8).
    pub enum RedOutcome { CloseAfterCheck = "close_after_check", OpenCase = "open_case" }
}

code_enum! {
    /// Who decides (Art. B8): 纪委常委会 or 监察局长办公会.
    pub enum DecisionBody {
        StandingCommittee = "standing_committee",
        DirectorsMeeting = "directors_meeting",
    }
}

code_enum! {
    pub enum NoticeChannel { Sms = "sms", Phone = "phone" }
}

code_enum! {
    pub enum NoticeState {
        Pending = "pending",
        Sent = "sent",
        Delivered = "delivered",
        Failed = "failed",
        PhoneRecorded = "phone_recorded",
    }
}

code_enum! {
    /// What came of a phone call (Art. B6).
    pub enum CallOutcome {
        Reached = "reached",
        NoAnswer = "no_answer",
        WrongNumber = "wrong_number",
        Other = "other",
    }
}

code_enum! {
    /// Accountability measures, 预警纠错办法 第十条 (一)–(五).
    pub enum MeasureKind {
        AdmonitionTalk = "admonition_talk",
        EfficiencyAdmonition = "efficiency_admonition",
        WrittenSelfExamination = "self_examination",
        CirculatedCriticism = "circulated_criticism",
        SuspensionForExamination = "suspension",
        Transfer = "transfer",
    }
}

code_enum! {
    pub enum TargetKind { Person = "person", Unit = "unit" }
}

code_enum! {
    /// The two kinds of letter in the 文书 list.
    pub enum LetterKind { Admonition = "admonition", InvestigationNotice = "investigation-notice" }
}

code_enum! {
    /// The case clock's current signal (`jiancha_calendar::Signal`).
    pub enum CaseSignal {
        Normal = "normal",
        Warning = "warning",
        Yellow = "yellow",
        Red = "red",
        Done = "done",
    }
}

// ---------------------------------------------------------------- requests

/// `letters_take_up_card`: register the card the clock raised on a case (Art. B5).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct TakeUpCardRequest {
    pub case_id: String,
    pub color: CardColor,
}

/// `letters_relieve_card`: exempt or revoke a card, with a leader's approval id.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct RelieveCardRequest {
    pub card_id: String,
    pub action: CardAction,
    pub ground: ReliefGround,
    pub reason: String,
    /// From `auth_leader_approval` (used once).
    pub approval_id: String,
}

/// `letters_admonition_draft`: a 效能告诫书 from active yellow cards of one unit (Art. B7).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct AdmonitionDraftRequest {
    pub card_ids: Vec<String>,
}

/// `letters_admonition_edit`: the addressee and body of a draft or numbered letter.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct AdmonitionEditRequest {
    pub id: String,
    pub addressee: String,
    pub body: String,
}

/// One step of a 效能告诫书 (Arts. B7, B9), tagged by `step`.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum AdmonitionStep {
    /// Assign the 文号.
    Number,
    /// Sign and issue: renders the DOCX and PDF.
    Issue,
    /// Record the unit's written rectification report (the file chosen in the page).
    ReceiveReport { report_path: String },
    /// 建档备查.
    File,
    /// Discard a draft or numbered letter.
    Discard { reason: String },
}

/// `letters_admonition_step`: `{ id, step: "issue" }`, `{ id, step: "discard", reason }`, ….
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct AdmonitionStepRequest {
    pub id: String,
    #[serde(flatten)]
    pub step: AdmonitionStep,
}

/// `letters_red_submit`: submit a red card for the leader's approval (Art. B8).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct RedSubmitRequest {
    pub card_id: String,
    pub summary: String,
}

/// `letters_red_approval`: the leader's decision on investigating, with the approval id the
/// leader's credentials gave at that moment.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct RedApprovalRequest {
    pub id: String,
    pub approve: bool,
    /// The opinion when approving, the reason when not.
    pub text: String,
    pub approval_id: String,
}

/// One step of a red-card matter (Art. B8), tagged by `step`.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum RedStep {
    /// The centre investigates directly.
    Investigate { investigators: String },
    /// A 初步调查通知书 to the unit; an empty addressee = the unit's discipline body.
    IssueNotice { addressee: String },
    /// Render the notice's DOCX and PDF again (e.g. after they were removed from disk).
    RenderNotice,
    /// What the investigation found, with documents chosen in the page.
    Findings {
        findings: String,
        paths: Vec<String>,
    },
    /// The centre's proposal.
    Propose { outcome: RedOutcome, reason: String },
    /// After a decision to open a case: handed over to `to`.
    HandOver { to: String },
    /// After a decision to close: the closing note.
    Close { note: String },
    /// 建档备查.
    File,
}

/// `letters_red_step`: `{ id, step: "propose", outcome, reason }`, ….
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct RedStepRequest {
    pub id: String,
    #[serde(flatten)]
    pub step: RedStep,
}

/// `letters_red_decision`: the decision of the standing committee / office meeting.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct RedDecisionRequest {
    pub id: String,
    pub decision: DecisionInput,
}

/// `letters_red_queue`: the red-card matters, optionally of one state.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct RedQueueRequest {
    pub state: Option<RedState>,
}

/// `letters_phone_call`: a warning notice given by phone (Art. B6).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct PhoneCallRequest {
    pub case_id: String,
    /// Who was called.
    pub handler: String,
    /// RFC 3339 instant; empty = now.
    pub called_at: String,
    pub outcome: CallOutcome,
    pub note: String,
}

/// `letters_open_file`: opens one of the files of an issued letter (its DOCX or PDF, as listed
/// in `files`) in the system's viewer. Only files under the console's letters folder open.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct OpenFileRequest {
    pub path: String,
}

/// `letters_queue_sms`: a warning SMS to the handler (the number from the directory when
/// `phone` is empty).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct QueueSmsRequest {
    pub case_id: String,
    pub phone: String,
}
