//! Queues (预警 / 黄牌 / 红牌 and integrity findings), the case detail (案件) and the
//! dashboard (总览): issue 5, docs/queues.md.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The three card queues (Art. B5: (1) 预警, (2) 黄牌, (3) 红牌).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CardLevel {
    Warning,
    Yellow,
    Red,
}

impl CardLevel {
    /// The level number stored in `case_signals.level`.
    pub fn number(self) -> i64 {
        match self {
            CardLevel::Warning => 1,
            CardLevel::Yellow => 2,
            CardLevel::Red => 3,
        }
    }
}

/// A page asked for: rows `offset .. offset + limit` (limit capped by the service).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct PageRequest {
    pub offset: u32,
    pub limit: u32,
}

/// Filters of a card queue. Every field is optional except the level; text is matched
/// case-insensitively against 办件编号, 事项名称, 申请人 and handlers (classified cases:
/// 办件编号 only, Art. A4). Dates are `YYYY-MM-DD` (CST), inclusive, on the day the card began.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq, Default)]
pub struct QueueFilter {
    /// `None`: every level (the counts use this with the other filters).
    pub level: Option<CardLevel>,
    /// A city/county region (all its departments), from the department tree.
    pub region_code: Option<String>,
    pub dept_id: Option<String>,
    pub item_code: Option<String>,
    /// The case's current handler, exact name (the latest step's 经办人, else the 受理人).
    pub handler: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub text: Option<String>,
}

/// How a card's clock stands at the page's instant: which of the row's countdown columns
/// mean anything.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RowClock {
    /// The clock runs towards D.
    Running,
    /// A pause (补正, a special procedure within its cap) stops it (Licensing Law Art. 45):
    /// the budget is frozen, nothing counts down.
    Paused,
    /// Completed or withdrawn since the queue's last evaluation: no countdown at all.
    Done,
}

/// One card of a queue.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct CardRow {
    pub case_id: String,
    pub level: CardLevel,
    pub dept_id: String,
    pub dept_name: String,
    pub region_name: String,
    pub item_code: String,
    pub item_name: String,
    /// 申请人; `None` for a classified case (Art. A4).
    pub applicant: Option<String>,
    /// The handler of the latest step (or the 受理人).
    pub handler: Option<String>,
    #[ts(type = "number")]
    pub accepted_at: i64,
    /// D, `YYYY-MM-DD` (while paused: D as it would be if the pause ended now).
    pub deadline: String,
    /// The clock at the page's instant; it decides the three fields below.
    pub clock: RowClock,
    /// Running: working days after today up to D (0 on D, negative = overdue). `None` while
    /// paused or once closed: no countdown runs.
    #[ts(type = "number | null")]
    pub remaining_workdays: Option<i64>,
    /// Paused: the frozen budget, the working days of the limit left when the pause began
    /// (the resume day counted), as the clock computes it. `None` otherwise.
    #[ts(type = "number | null")]
    pub frozen_workdays: Option<i64>,
    /// Running and past D: seconds since 00:00 after D (the 超期 column). `None` before that,
    /// while paused and once closed.
    #[ts(type = "number | null")]
    pub overdue_secs: Option<i64>,
    /// When this level began.
    #[ts(type = "number | null")]
    pub began_at: Option<i64>,
    /// 00:00 after D as last evaluated: the urgency key the queue is ordered by.
    #[ts(type = "number")]
    pub yellow_at: i64,
    pub classified: bool,
    /// False when the calendar did not know a year the deadline used (暂定).
    pub known: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct CardPage {
    pub rows: Vec<CardRow>,
    #[ts(type = "number")]
    pub total: u64,
    /// The instant the page was read at (Unix seconds).
    #[ts(type = "number")]
    pub now: i64,
}

/// Open cards per level under a filter (its level ignored), and open findings.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq, Default)]
pub struct QueueCounts {
    #[ts(type = "number")]
    pub warning: u64,
    #[ts(type = "number")]
    pub yellow: u64,
    #[ts(type = "number")]
    pub red: u64,
    #[ts(type = "number")]
    pub findings: u64,
}

/// Filters of the findings queue (Art. A9(2)(8), B4(5)).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq, Default)]
pub struct FindingFilter {
    /// `silent_department`, `late_report`, `backdated`, `impossible_sequence`,
    /// `extension_after_deadline`, `cap_overrun`.
    pub kind: Option<String>,
    pub region_code: Option<String>,
    pub dept_id: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub text: Option<String>,
    /// Include findings no longer true (a silent department spoke again).
    pub include_resolved: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct FindingRow {
    #[ts(type = "number")]
    pub id: i64,
    pub kind: String,
    pub dept_id: String,
    pub dept_name: String,
    pub case_id: Option<String>,
    #[ts(type = "number")]
    pub observed_at: i64,
    pub summary: String,
    /// JSON: the versions / instants compared.
    pub evidence: String,
    #[ts(type = "number | null")]
    pub resolved_at: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct FindingPage {
    pub rows: Vec<FindingRow>,
    #[ts(type = "number")]
    pub total: u64,
}

/// The department tree for the filter: regions (市本级 and counties) with their departments.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct RegionNode {
    pub region_code: String,
    pub region_name: String,
    /// `city` or `county`.
    pub level: String,
    pub departments: Vec<DeptNode>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct DeptNode {
    pub dept_id: String,
    pub name: String,
}

/// An item for the filter.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct ItemOption {
    pub item_code: String,
    pub name: String,
    pub dept_id: String,
}

// ---- case detail (案件) ----

/// A case as the case screen shows it.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct CaseDetail {
    pub case_id: String,
    /// Art. A4: the applicant and the steps' texts are masked.
    pub classified: bool,
    /// GB/T 39046 fields, labelled (label, value), in display order.
    pub facts: Vec<CaseFact>,
    pub timeline: Vec<TimelineEvent>,
    /// Every day from the acceptance day to max(D, today or closure), ≤ 400 days.
    pub days: Vec<TimelineDay>,
    /// The clock now (`None`: not accepted, or the events could not be read as a clock).
    pub clock: Option<CaseClockView>,
    /// Why there is no clock, if there is none.
    pub clock_error: Option<String>,
    pub signals: Vec<SignalEvent>,
    pub findings: Vec<FindingRow>,
    pub versions: Vec<CaseVersionRow>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct CaseFact {
    /// Stable name of the fact (`case_no`, `case_type`, …): the page labels it in its language.
    pub key: String,
    /// Chinese label (GB/T 39046 wording).
    pub label: String,
    /// The value as read; for a coded field (办件类型, 办件状态, …) its Chinese name.
    pub value: String,
    /// The code of a coded field (GB/T 39046), for the page's own label of it.
    pub code: Option<String>,
}

/// One event or step. `ended_at` set for intervals (steps, 补正, 特别程序).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct TimelineEvent {
    /// application, acceptance, rejection, step, correction, special_procedure (hearing,
    /// inspection, appraisal), extension (with a limit), extension_open (no limit: paused),
    /// completion, withdrawal. `label` is Chinese; a step's is its name from the feed.
    pub kind: String,
    pub label: String,
    #[ts(type = "number")]
    pub at: i64,
    #[ts(type = "number | null")]
    pub ended_at: Option<i64>,
    pub detail: Option<String>,
    /// A pause of the clock (补正, kind-B special procedure): shaded on the timeline.
    pub pause: bool,
    /// An extension's added time limit (working days), for `extension`.
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct TimelineDay {
    pub date: String,
    pub workday: bool,
    /// The holiday's (or make-up day's) name when the calendar lists the day.
    pub holiday: Option<String>,
    /// Inside a pause of the clock.
    pub paused: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct CaseClockView {
    #[ts(type = "number")]
    pub at: i64,
    pub deadline: String,
    /// normal, warning, yellow, red, done (a paused case keeps the level it had; see
    /// `frozen`).
    pub signal: String,
    /// Case countdown: working days after today up to D; while `frozen`, the frozen budget
    /// (working days left when the pause began). `None` once closed: nothing counts down.
    #[ts(type = "number | null")]
    pub remaining_workdays: Option<i64>,
    /// A pause stops the clock now (补正, a special procedure within its cap; Licensing Law
    /// Art. 45).
    pub frozen: bool,
    /// Completed or withdrawn at.
    #[ts(type = "number | null")]
    pub closed_at: Option<i64>,
    /// Pause countdown: days of the special procedure's cap left (`None`: no pause or
    /// open-ended).
    #[ts(type = "number | null")]
    pub pause_remaining_days: Option<i64>,
    /// `correction` / `special` when a pause is open.
    pub pause_kind: Option<String>,
    #[ts(type = "number | null")]
    pub pause_since: Option<i64>,
    /// The signal instants (Art. B5). For a closed case only those it reached before it
    /// closed: the others never come.
    #[ts(type = "number | null")]
    pub warning_at: Option<i64>,
    #[ts(type = "number | null")]
    pub yellow_at: Option<i64>,
    #[ts(type = "number | null")]
    pub red_at: Option<i64>,
    pub known: bool,
    pub cap_overruns: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct SignalEvent {
    pub level: CardLevel,
    #[ts(type = "number")]
    pub began_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct CaseVersionRow {
    #[ts(type = "number")]
    pub seq: i64,
    #[ts(type = "number")]
    pub reported_at: i64,
    #[ts(type = "number")]
    pub received_at: i64,
    pub status: String,
    #[ts(type = "number | null")]
    pub accepted_at: Option<i64>,
    #[ts(type = "number | null")]
    pub completed_at: Option<i64>,
    pub is_latest: bool,
}

// ---- dashboard (总览) ----

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct Dashboard {
    #[ts(type = "number")]
    pub at: i64,
    /// Open cards now, and open findings.
    pub open: QueueCounts,
    /// Began since 00:00 yesterday (CST).
    pub new_since_yesterday: QueueCounts,
    /// Departments with the most open cards (≤ 10).
    pub top_departments: Vec<DeptCardCount>,
    /// Inline SVG (embedded CJK subset): cards per day over the last 30 working days.
    pub cards_per_day_svg: String,
    /// Inline SVG: open cards per department.
    pub open_by_department_svg: String,
    /// When the cache was last evaluated (Unix seconds), if ever.
    #[ts(type = "number | null")]
    pub evaluated_at: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct DeptCardCount {
    pub dept_id: String,
    pub dept_name: String,
    #[ts(type = "number")]
    pub warning: u64,
    #[ts(type = "number")]
    pub yellow: u64,
    #[ts(type = "number")]
    pub red: u64,
}

/// `queue_page`: one page of a card queue.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct QueuePageRequest {
    pub filter: QueueFilter,
    pub page: PageRequest,
}

/// `finding_page`: one page of integrity findings.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct FindingPageRequest {
    pub filter: FindingFilter,
    pub page: PageRequest,
}

/// `item_options`: the item catalogue, of one department or of all.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct ItemOptionsRequest {
    pub dept_id: Option<String>,
}

/// One case, by its 办件编号 (`case_detail`, `letters_case`).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct CaseRequest {
    pub case_id: String,
}
