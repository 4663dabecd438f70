//! `calendar_edits` and `calendar_edit_days` (migration 0050, issue 3): the officers' edits of
//! the working-day calendar — a whole year's State Council arrangement (imported from a
//! holiday-cn JSON or .ics file, kept verbatim) or single days — append-only and versioned:
//! who, when and why. Triggers refuse UPDATE and DELETE on both tables.
//!
//! Validation and the audit entry are `crate::calendar_edits`'s; this module reads and writes
//! rows. Instants are stored as RFC 3339 text at +08:00 (CST), whole seconds.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat};
use jiancha_calendar::{cst, DayOverride};
use jiancha_store::rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::{Result, WorkflowError};

labeled_enum! {
    /// Where an edit came from.
    pub enum EditSource {
        Manual = ("manual", "手工修改"),
        HolidayCnJson = ("holiday-cn-json", "holiday-cn JSON 文件"),
        Ics = ("ics", "iCalendar (.ics) 文件"),
    }
}

/// One stored edit, as listed in its history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarEdit {
    pub version: i64,
    /// `Some(year)`: a whole year's arrangement that makes the year known.
    pub year: Option<i32>,
    pub source: EditSource,
    pub actor: String,
    pub at: DateTime<FixedOffset>,
    pub reason: String,
    pub days: Vec<DayOverride>,
}

fn corrupt(version: i64, what: String) -> WorkflowError {
    WorkflowError::Corrupt(format!(
        "stored calendar edit {version} is unreadable: {what}"
    ))
}

// ------------------------------------------------------------------------------------ reads

/// The days an edit sets, by date.
pub fn days_of(conn: &Connection, version: i64) -> Result<Vec<DayOverride>> {
    let mut st = conn.prepare(
        "SELECT date, workday, name FROM calendar_edit_days WHERE version = ?1 ORDER BY date",
    )?;
    let rows = st
        .query_map([version], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, bool>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<std::result::Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(date, workday, name)| {
            NaiveDate::parse_from_str(&date, "%Y-%m-%d")
                .map(|date| DayOverride {
                    date,
                    workday,
                    name,
                })
                .map_err(|e| corrupt(version, format!("date {date:?}: {e}")))
        })
        .collect()
}

/// Every stored edit with its days, in version order (the history shown to officers, and the
/// order edits apply in).
pub fn list(conn: &Connection) -> Result<Vec<CalendarEdit>> {
    let mut st = conn.prepare(
        "SELECT version, year, source, actor, at, reason FROM calendar_edits ORDER BY version",
    )?;
    let heads = st
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<i32>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let mut out = Vec::with_capacity(heads.len());
    for (version, year, source, actor, at, reason) in heads {
        let days = days_of(conn, version)?;
        out.push(CalendarEdit {
            version,
            year,
            source: EditSource::from_code(&source)
                .ok_or_else(|| corrupt(version, format!("source {source:?}")))?,
            actor,
            at: DateTime::parse_from_rfc3339(&at)
                .map_err(|e| corrupt(version, format!("at {at:?}: {e}")))?,
            reason,
            days,
        });
    }
    Ok(out)
}

/// The latest edit version (0: no edit, the shipped calendar only).
pub fn latest_version(conn: &Connection) -> Result<i64> {
    Ok(conn
        .query_row("SELECT max(version) FROM calendar_edits", [], |r| {
            r.get::<_, Option<i64>>(0)
        })
        .optional()?
        .flatten()
        .unwrap_or(0))
}

/// The imported file of an edit, verbatim (`None` for manual edits or an unknown version).
pub fn source_text(conn: &Connection, version: i64) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT source_text FROM calendar_edits WHERE version = ?1",
            [version],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

// ----------------------------------------------------------------------------------- writes

/// An edit to store (checked by the caller).
pub(crate) struct NewEditRow<'a> {
    pub year: Option<i32>,
    pub source: EditSource,
    pub actor: &'a str,
    pub at: DateTime<FixedOffset>,
    pub reason: &'a str,
    pub source_text: Option<&'a str>,
    pub days: &'a [DayOverride],
}

/// Stores the edit and its days (one row per date; the last name of a date wins) and returns
/// its version.
pub(crate) fn insert(tx: &Transaction<'_>, e: &NewEditRow<'_>) -> Result<i64> {
    let at =
        e.at.with_timezone(&cst())
            .to_rfc3339_opts(SecondsFormat::Secs, false);
    tx.execute(
        "INSERT INTO calendar_edits(kind, year, source, actor, at, reason, source_text)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            if e.year.is_some() { "year" } else { "days" },
            e.year,
            e.source.code(),
            e.actor,
            at,
            e.reason,
            e.source_text,
        ],
    )?;
    let version = tx.last_insert_rowid();
    let mut st = tx.prepare(
        "INSERT INTO calendar_edit_days(version, date, workday, name)
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    let unique: BTreeMap<NaiveDate, &DayOverride> = e.days.iter().map(|d| (d.date, d)).collect();
    for d in unique.values() {
        st.execute(params![
            version,
            d.date.format("%Y-%m-%d").to_string(),
            d.workday,
            d.name
        ])?;
    }
    Ok(version)
}
