//! The 日历 (calendar) screen: a year of working days, the years the calendar knows, imports of
//! a year's arrangement, single-day edits with a reason, the edit history, and what an edit
//! recomputed. Dates are `YYYY-MM-DD` (China Standard Time); instants RFC 3339 with +08:00.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a day is in the effective calendar.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CalendarDayKind {
    /// An ordinary working day (Mon–Fri, or a listed working day on a weekday).
    Workday,
    /// An ordinary weekend day.
    Weekend,
    /// A listed day off (statutory holiday, or a day off set by an edit).
    Holiday,
    /// A listed working day on a weekend (调休上班).
    Makeup,
}

/// Where a day's status comes from.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CalendarDaySource {
    /// The ordinary week (not listed anywhere).
    Ordinary,
    /// The shipped State Council arrangements (2007–2026).
    Builtin,
    /// An imported year's arrangement.
    Imported,
    /// A single-day edit by an officer.
    Edited,
}

/// One day of the year view.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct CalendarDay {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    pub workday: bool,
    pub kind: CalendarDayKind,
    /// The listed name (e.g. 国庆节), empty when none.
    pub name: String,
    pub source: CalendarDaySource,
    /// The edit version that last set this day (imports and single-day edits), if any.
    #[ts(type = "number | null")]
    pub version: Option<i64>,
}

/// A year the switcher offers.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct CalendarYearEntry {
    pub year: i32,
    /// The calendar has this year's whole arrangement.
    pub known: bool,
    /// The arrangement was imported by an officer (not shipped).
    pub imported: bool,
}

/// Who an edit will be recorded as.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct CalendarActor {
    pub name: String,
    /// `session`: the signed-in user at this workstation.
    pub source: String,
    /// False for a reviewer (read-only): the page hides import and edit.
    pub may_edit: bool,
}

/// Every day of one year, as the effective calendar (shipped + every edit) answers it.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct CalendarYearView {
    pub year: i32,
    /// False: the year's arrangement is not in the calendar; the ordinary week is assumed and
    /// every answer for it is provisional (暂定).
    pub known: bool,
    /// The current edit version (0 = shipped data only).
    #[ts(type = "number")]
    pub version: i64,
    /// January 1st … December 31st.
    pub days: Vec<CalendarDay>,
    pub workdays: u32,
    pub holidays: u32,
    pub makeup_days: u32,
    pub edited_days: u32,
    /// The years to offer in the switcher, ascending.
    pub years: Vec<CalendarYearEntry>,
    pub actor: CalendarActor,
    /// The largest import accepted, in bytes.
    #[ts(type = "number")]
    pub max_import_bytes: u64,
}

/// The format of an imported arrangement.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CalendarImportFormat {
    /// holiday-cn year file `{year, papers, days:[{name, date, isOffDay}]}`.
    HolidayCnJson,
    /// iCalendar all-day events; needs `year`.
    Ics,
}

/// Import of a year's arrangement: the file's text as read in the page.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct CalendarImportRequest {
    pub format: CalendarImportFormat,
    /// Required for `.ics` (the JSON names its own year).
    pub year: Option<i32>,
    /// The file name, for messages.
    pub file_name: String,
    pub text: String,
    pub reason: String,
}

/// A single-day edit.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct CalendarDayEditRequest {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub workday: bool,
    /// Optional name shown on the day (e.g. 台风停工).
    pub name: String,
    /// Why (mandatory).
    pub reason: String,
}

/// What re-evaluating the cases with the new calendar changed.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct CalendarRecompute {
    /// The evaluation instant (RFC 3339, +08:00): the last evaluation's, so the comparison
    /// shows the calendar change alone; now when nothing was evaluated yet.
    pub at: String,
    /// Cases the clock classified again.
    #[ts(type = "number")]
    pub evaluated: u64,
    /// Open cases before the change.
    #[ts(type = "number")]
    pub open_cases: u64,
    /// Open cases whose signal (normal/预警/黄牌/红牌) changed.
    #[ts(type = "number")]
    pub changed_signal: u64,
    /// Open cases whose deadline moved.
    #[ts(type = "number")]
    pub changed_deadline: u64,
    /// Cases the clock could not read.
    #[ts(type = "number")]
    pub clock_errors: u64,
    /// A few changed cases (at most 20): id, before → after.
    pub samples: Vec<CalendarCaseChange>,
}

/// One case changed by a recomputation.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct CalendarCaseChange {
    pub case_id: String,
    pub signal_before: String,
    pub signal_after: String,
    pub deadline_before: String,
    pub deadline_after: String,
}

/// The answer to an import or an edit.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct CalendarChangeResult {
    /// The new edit version.
    #[ts(type = "number")]
    pub version: i64,
    /// Days the change lists.
    pub days: u32,
    /// The year made known (imports).
    pub year: Option<i32>,
    pub recompute: CalendarRecompute,
}

/// A day listed by an edit.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct CalendarEditDay {
    pub date: String,
    pub workday: bool,
    pub name: String,
}

/// One entry of the edit history.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct CalendarEditEntry {
    #[ts(type = "number")]
    pub version: i64,
    /// `Some`: a whole year's arrangement.
    pub year: Option<i32>,
    /// `manual`, `holiday-cn-json` or `ics`.
    pub source: String,
    pub actor: String,
    /// RFC 3339, +08:00.
    pub at: String,
    pub reason: String,
    pub days: Vec<CalendarEditDay>,
}

/// `calendar_year`: the effective calendar of one year.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct CalendarYearRequest {
    pub year: i32,
}
