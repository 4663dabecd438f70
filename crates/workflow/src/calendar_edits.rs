//! Officers' audited edits of the working-day calendar (issue 3): a year's State Council
//! arrangement or single days, each with who, when and why. The effective calendar is the
//! shipped one with every edit applied in version order (composed by the service, which also
//! re-evaluates the open cases after an edit: an edit can move deadlines both ways).
//!
//! [`append`] checks the edit, stores it with its days and appends a `calendar.edit` entry to
//! the audit chain, all in the caller's write transaction: an edit is never stored without
//! its audit entry. Who may edit is the caller's decision (the console refuses reviewers; the
//! CLI works on a file it was given).

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, Utc};
use jiancha_calendar::DayOverride;
use jiancha_store::rusqlite::Transaction;

use crate::audit;
use crate::db::calendar_edits::{self as table, NewEditRow};
use crate::{Result, WorkflowError};

pub use crate::db::calendar_edits::{
    days_of, latest_version, list, source_text, CalendarEdit, EditSource,
};

/// Who, when and why of an edit. `at` is passed in (the domain never reads the wall clock).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditMeta {
    /// Who, as people read it (the console: `显示名（username@workstation）`).
    pub actor: String,
    pub at: DateTime<FixedOffset>,
    pub reason: String,
}

/// An edit to store.
pub struct NewEdit<'a> {
    pub meta: &'a EditMeta,
    /// `Some(year)`: a whole year's arrangement, which makes the year known.
    pub year: Option<i32>,
    pub source: EditSource,
    /// The imported file, kept verbatim (`None` for manual edits).
    pub source_text: Option<&'a str>,
    pub days: &'a [DayOverride],
}

/// Refuses an edit without who or why, without days, or with a date listed both as a working
/// day and as a day off. The problem text is bilingual; `field` names the input.
pub fn check(e: &NewEdit<'_>) -> Result<()> {
    if e.meta.actor.trim().is_empty() {
        return Err(WorkflowError::invalid(
            "actor",
            "编辑人不能为空 / the actor (who) of a calendar edit is empty",
        ));
    }
    if e.meta.reason.trim().is_empty() {
        return Err(WorkflowError::invalid(
            "reason",
            "编辑原因不能为空 / the reason (why) of a calendar edit is empty",
        ));
    }
    if e.days.is_empty() {
        return Err(WorkflowError::invalid(
            "days",
            "没有要修改的日期 / the edit lists no days",
        ));
    }
    let mut seen = BTreeMap::new();
    for d in e.days {
        if let Some(w) = seen.insert(d.date, d.workday) {
            if w != d.workday {
                return Err(WorkflowError::invalid(
                    "days",
                    format!(
                        "{} 同时标为工作日和休息日 / {} is listed as both a working day and a day off",
                        d.date, d.date
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Checks and stores an edit with its days, and appends its audit entry (`calendar.edit` on
/// `calendar:v<version>`, by the edit's actor) in the caller's transaction. Returns the new
/// version.
pub fn append(tx: &Transaction<'_>, e: &NewEdit<'_>) -> Result<i64> {
    check(e)?;
    let actor = e.meta.actor.trim();
    let reason = e.meta.reason.trim();
    let version = table::insert(
        tx,
        &NewEditRow {
            year: e.year,
            source: e.source,
            actor,
            at: e.meta.at,
            reason,
            source_text: e.source_text,
            days: e.days,
        },
    )?;
    let details = serde_json::json!({
        "version": version,
        "kind": if e.year.is_some() { "year" } else { "days" },
        "year": e.year,
        "source": e.source.code(),
        "days": e.days.len(),
        "reason": reason,
    });
    audit::append(
        tx,
        &audit::NewEntry {
            at: e.meta.at.with_timezone(&Utc),
            actor,
            // The console's actor text names the workstation; the CLI has none.
            workstation: "",
            action: "calendar.edit",
            subject: &format!("calendar:v{version}"),
            details: &details.to_string(),
        },
    )?;
    Ok(version)
}
