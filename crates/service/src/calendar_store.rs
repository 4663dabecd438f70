//! Persisted calendar edits (issue 3): an officer imports a new year's State Council
//! arrangement (holiday-cn JSON or .ics) or edits single days; every edit is stored
//! append-only and versioned with who, when and why (migration 0050). The effective calendar
//! is the shipped one ([`Calendar::builtin`]) with every edit applied in version order.
//!
//! The calendar crate stays pure; this module is the SQL edge. **Callers must re-evaluate
//! every open case after an edit** (the evaluation owns that: `load_calendar` again, then
//! re-run the clock over the open cases) — an edit can move deadlines in both directions.

use std::collections::BTreeMap;

use jiancha_calendar::chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat};
use jiancha_calendar::import::{parse_holiday_cn_json, parse_ics, YearArrangement};
use jiancha_calendar::{cst, Calendar, DayOverride};
use jiancha_store::rusqlite::{self, params, OptionalExtension};
use jiancha_store::Db;

/// Errors of this module; `Invalid` names what was wrong with the input.
#[derive(Debug, thiserror::Error)]
pub enum CalendarStoreError {
    #[error("{0}")]
    Invalid(String),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored calendar edit {version} is unreadable: {message}")]
    Corrupt { version: i64, message: String },
}

type Result<T> = std::result::Result<T, CalendarStoreError>;

/// Who, when and why of an edit. `at` is passed in (the domain never reads the wall clock).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditMeta {
    pub actor: String,
    pub at: DateTime<FixedOffset>,
    pub reason: String,
}

/// Where an edit came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EditSource {
    Manual,
    HolidayCnJson,
    Ics,
}

impl EditSource {
    fn as_str(self) -> &'static str {
        match self {
            EditSource::Manual => "manual",
            EditSource::HolidayCnJson => "holiday-cn-json",
            EditSource::Ics => "ics",
        }
    }

    fn parse(s: &str) -> Option<EditSource> {
        Some(match s {
            "manual" => EditSource::Manual,
            "holiday-cn-json" => EditSource::HolidayCnJson,
            "ics" => EditSource::Ics,
            _ => return None,
        })
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

fn check_meta(meta: &EditMeta) -> Result<()> {
    if meta.actor.trim().is_empty() {
        return Err(CalendarStoreError::Invalid(
            "编辑人不能为空 / the actor (who) of a calendar edit is empty".into(),
        ));
    }
    if meta.reason.trim().is_empty() {
        return Err(CalendarStoreError::Invalid(
            "编辑原因不能为空 / the reason (why) of a calendar edit is empty".into(),
        ));
    }
    Ok(())
}

fn check_days(days: &[DayOverride]) -> Result<()> {
    if days.is_empty() {
        return Err(CalendarStoreError::Invalid(
            "没有要修改的日期 / the edit lists no days".into(),
        ));
    }
    let mut seen = BTreeMap::new();
    for d in days {
        if let Some(w) = seen.insert(d.date, d.workday) {
            if w != d.workday {
                return Err(CalendarStoreError::Invalid(format!(
                    "{} 同时标为工作日和休息日 / {} is listed as both a working day and a day off",
                    d.date, d.date
                )));
            }
        }
    }
    Ok(())
}

fn insert(
    db: &mut Db,
    meta: &EditMeta,
    year: Option<i32>,
    source: EditSource,
    source_text: Option<&str>,
    days: &[DayOverride],
) -> Result<i64> {
    check_meta(meta)?;
    check_days(days)?;
    let at = meta
        .at
        .with_timezone(&cst())
        .to_rfc3339_opts(SecondsFormat::Secs, false);
    db.write(|tx| -> Result<i64> {
        tx.execute(
            "INSERT INTO calendar_edits(kind, year, source, actor, at, reason, source_text)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                if year.is_some() { "year" } else { "days" },
                year,
                source.as_str(),
                meta.actor.trim(),
                at,
                meta.reason.trim(),
                source_text,
            ],
        )?;
        let version = tx.last_insert_rowid();
        let mut st = tx.prepare(
            "INSERT INTO calendar_edit_days(version, date, workday, name)
             VALUES (?1, ?2, ?3, ?4)",
        )?;
        // One row per date (check_days refused contradictions; the last name wins).
        let unique: BTreeMap<NaiveDate, &DayOverride> = days.iter().map(|d| (d.date, d)).collect();
        for d in unique.values() {
            st.execute(params![
                version,
                d.date.format("%Y-%m-%d").to_string(),
                d.workday,
                d.name
            ])?;
        }
        Ok(version)
    })
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
    let conn = db.conn();
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
    let mut days_st = conn.prepare(
        "SELECT date, workday, name FROM calendar_edit_days WHERE version = ?1 ORDER BY date",
    )?;
    let mut out = Vec::with_capacity(heads.len());
    for (version, year, source, actor, at, reason) in heads {
        let corrupt = |message: String| CalendarStoreError::Corrupt { version, message };
        let days = days_st
            .query_map([version], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, bool>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?
            .collect::<std::result::Result<Vec<_>, _>>()?
            .into_iter()
            .map(|(date, workday, name)| {
                NaiveDate::parse_from_str(&date, "%Y-%m-%d")
                    .map(|date| DayOverride {
                        date,
                        workday,
                        name,
                    })
                    .map_err(|e| corrupt(format!("date {date:?}: {e}")))
            })
            .collect::<Result<Vec<_>>>()?;
        out.push(CalendarEdit {
            version,
            year,
            source: EditSource::parse(&source)
                .ok_or_else(|| corrupt(format!("source {source:?}")))?,
            actor,
            at: DateTime::parse_from_rfc3339(&at)
                .map_err(|e| corrupt(format!("at {at:?}: {e}")))?,
            reason,
            days,
        });
    }
    Ok(out)
}

/// The latest edit version (0: the shipped calendar only). Results computed with a calendar
/// should record this version, so they can be explained and recomputed later.
pub fn calendar_version(db: &Db) -> Result<i64> {
    Ok(db
        .conn()
        .query_row("SELECT max(version) FROM calendar_edits", [], |r| {
            r.get::<_, Option<i64>>(0)
        })
        .optional()?
        .flatten()
        .unwrap_or(0))
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
        let kept: Option<String> = db
            .conn()
            .query_row(
                "SELECT source_text FROM calendar_edits WHERE version = ?1",
                [v2],
                |r| r.get(0),
            )
            .unwrap();
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
