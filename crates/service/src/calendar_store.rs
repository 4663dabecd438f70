//! Persisted calendar edits (issue 3): an officer imports a new year's State Council
//! arrangement (holiday-cn JSON or .ics) or edits single days; every edit is stored
//! append-only and versioned with who, when and why (migration 0050). The effective calendar
//! is the shipped one ([`Calendar::builtin`]) with every edit applied in version order.
//!
//! The calendar crate stays pure; the edits are the workflow crate's records
//! (`jiancha_workflow::calendar_edits`: checked, stored and audited in one transaction); this
//! module parses imported files and composes the effective calendar. **Callers must re-evaluate
//! every open case after an edit** (the evaluation owns that: `load_calendar` again, then
//! re-run the clock over the open cases) — an edit can move deadlines in both directions.

use jiancha_calendar::import::{parse_holiday_cn_json, parse_ics, YearArrangement};
use jiancha_calendar::{Calendar, DayOverride};
use jiancha_store::Db;
use jiancha_workflow::calendar_edits::{self, NewEdit};
use jiancha_workflow::WorkflowError;

pub use jiancha_workflow::calendar_edits::{CalendarEdit, EditMeta, EditSource};

/// Errors of this module; `Invalid` names what was wrong with the input.
#[derive(Debug, thiserror::Error)]
pub enum CalendarStoreError {
    #[error("{0}")]
    Invalid(String),
    /// The edit could not be stored or read back (database, or a stored row unreadable).
    #[error(transparent)]
    Workflow(WorkflowError),
}

impl From<WorkflowError> for CalendarStoreError {
    fn from(e: WorkflowError) -> Self {
        match e {
            // The workflow's check names the problem in both languages: shown as it is.
            WorkflowError::Invalid { problem, .. } => CalendarStoreError::Invalid(problem),
            other => CalendarStoreError::Workflow(other),
        }
    }
}

type Result<T> = std::result::Result<T, CalendarStoreError>;

fn insert(
    db: &mut Db,
    meta: &EditMeta,
    year: Option<i32>,
    source: EditSource,
    source_text: Option<&str>,
    days: &[DayOverride],
) -> Result<i64> {
    let edit = NewEdit {
        meta,
        year,
        source,
        source_text,
        days,
    };
    // Checked before the write lock is taken: a refused edit does not wait for the sync.
    calendar_edits::check(&edit)?;
    Ok(db.write(|tx| calendar_edits::append(tx, &edit))?)
}

/// Stores single-day edits (e.g. an extra day off decided locally). Returns the new version.
pub fn record_day_edits(db: &mut Db, meta: &EditMeta, days: &[DayOverride]) -> Result<i64> {
    insert(db, meta, None, EditSource::Manual, None, days)
}

/// Stores a whole year's arrangement, which makes the year known. Returns the new version.
pub fn record_year(
    db: &mut Db,
    meta: &EditMeta,
    source: EditSource,
    arrangement: &YearArrangement,
    source_text: Option<&str>,
) -> Result<i64> {
    insert(
        db,
        meta,
        Some(arrangement.year),
        source,
        source_text,
        &arrangement.days,
    )
}

/// Parses and stores a holiday-cn JSON year file, keeping the file verbatim.
pub fn import_holiday_cn_json(db: &mut Db, meta: &EditMeta, text: &str) -> Result<i64> {
    let arr = parse_holiday_cn_json(text).map_err(|e| CalendarStoreError::Invalid(e.0))?;
    record_year(db, meta, EditSource::HolidayCnJson, &arr, Some(text))
}

/// Parses and stores an .ics arrangement of `year`, keeping the file verbatim.
pub fn import_ics(db: &mut Db, meta: &EditMeta, year: i32, text: &str) -> Result<i64> {
    let arr = parse_ics(text, year).map_err(|e| CalendarStoreError::Invalid(e.0))?;
    record_year(db, meta, EditSource::Ics, &arr, Some(text))
}

/// Every stored edit in version order (the history shown to officers).
pub fn list_edits(db: &Db) -> Result<Vec<CalendarEdit>> {
    Ok(calendar_edits::list(db.conn())?)
}

/// The latest edit version (0: the shipped calendar only). Results computed with a calendar
/// should record this version, so they can be explained and recomputed later.
pub fn calendar_version(db: &Db) -> Result<i64> {
    Ok(calendar_edits::latest_version(db.conn())?)
}

/// The effective calendar: the shipped one with every stored edit applied in version order.
/// After storing an edit, callers must re-evaluate every open case with the new calendar.
pub fn load_calendar(db: &Db) -> Result<Calendar> {
    load_calendar_at(db, i64::MAX)
}

/// The calendar as it stood at edit `version` (0 = shipped only): explains past results.
pub fn load_calendar_at(db: &Db, version: i64) -> Result<Calendar> {
    let mut cal = Calendar::builtin();
    for e in list_edits(db)?.into_iter().filter(|e| e.version <= version) {
        cal = match e.year {
            Some(y) => Calendar::with_year(&cal, y, &e.days),
            None => Calendar::with_overrides(&cal, &e.days),
        };
    }
    Ok(cal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiancha_calendar::chrono::{DateTime, NaiveDate};

    fn meta(reason: &str) -> EditMeta {
        EditMeta {
            actor: "张三".into(),
            at: DateTime::parse_from_rfc3339("2026-11-27T10:00:00+08:00").unwrap(),
            reason: reason.into(),
        }
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn edits_are_versioned_and_applied_in_order() {
        let mut db = Db::open_in_memory().unwrap();
        assert_eq!(calendar_version(&db).unwrap(), 0);
        assert!(load_calendar(&db).unwrap().is_workday(d("2026-11-27")));
        let v1 = record_day_edits(
            &mut db,
            &meta("台风停工"),
            &[DayOverride {
                date: d("2026-11-27"),
                workday: false,
                name: "台风".into(),
            }],
        )
        .unwrap();
        let y = r#"{"year":2027,"papers":[],"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true}]}"#;
        let v2 = import_holiday_cn_json(&mut db, &meta("2027年国务院通知"), y).unwrap();
        let v3 = record_day_edits(
            &mut db,
            &meta("撤销误录"),
            &[DayOverride {
                date: d("2026-11-27"),
                workday: true,
                name: "恢复".into(),
            }],
        )
        .unwrap();
        assert!(v1 < v2 && v2 < v3);
        assert_eq!(calendar_version(&db).unwrap(), v3);
        let now = load_calendar(&db).unwrap();
        assert!(now.is_workday(d("2026-11-27")), "the later edit wins");
        assert!(!now.is_workday(d("2027-01-01")) && now.is_known(d("2027-06-01")));
        let then = load_calendar_at(&db, v1).unwrap();
        assert!(!then.is_workday(d("2026-11-27")) && !then.is_known(d("2027-06-01")));
        let hist = list_edits(&db).unwrap();
        assert_eq!(hist.len(), 3);
        assert_eq!(hist[1].year, Some(2027));
        assert_eq!(hist[1].source, EditSource::HolidayCnJson);
        assert_eq!(hist[0].actor, "张三");
        assert_eq!(hist[2].reason, "撤销误录");
        let kept = calendar_edits::source_text(db.conn(), v2).unwrap();
        assert_eq!(
            kept.as_deref(),
            Some(y),
            "the imported file is kept verbatim"
        );
    }

    #[test]
    fn bad_edits_are_refused_and_history_is_append_only() {
        let mut db = Db::open_in_memory().unwrap();
        let day = DayOverride {
            date: d("2026-12-01"),
            workday: false,
            name: String::new(),
        };
        let e = record_day_edits(&mut db, &meta(" "), std::slice::from_ref(&day)).unwrap_err();
        assert!(e.to_string().contains("reason"), "{e}");
        let e = record_day_edits(&mut db, &meta("x"), &[]).unwrap_err();
        assert!(e.to_string().contains("no days"), "{e}");
        let mut both = day.clone();
        both.workday = true;
        let e = record_day_edits(&mut db, &meta("x"), &[day.clone(), both]).unwrap_err();
        assert!(e.to_string().contains("both"), "{e}");
        let e = import_ics(&mut db, &meta("x"), 2027, "not ics").unwrap_err();
        assert!(matches!(e, CalendarStoreError::Invalid(_)), "{e}");
        assert_eq!(calendar_version(&db).unwrap(), 0, "nothing stored");
        let v = record_day_edits(&mut db, &meta("x"), &[day]).unwrap();
        let r = db.write(|tx| tx.execute("DELETE FROM calendar_edits WHERE version = ?1", [v]));
        assert!(r.is_err(), "edits cannot be deleted");
        let r = db.write(|tx| tx.execute("UPDATE calendar_edit_days SET workday = 1", []));
        assert!(r.is_err(), "edits cannot be rewritten");
        assert_eq!(list_edits(&db).unwrap().len(), 1);
    }
}
