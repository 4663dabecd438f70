//! The 日历 (calendar) screen (issue 5 item 5; issue 3 item 1): the year view of the effective
//! calendar, imports of a year's State Council arrangement, single-day edits with a reason,
//! the edit history, and the **recomputation** of every case after a change.
//!
//! Storage is [`crate::calendar_store`] (append-only, versioned: who, when, why). After an
//! import or an edit every case is re-evaluated with the new calendar through
//! [`jiancha_feed::evaluate`] (`full = true`), and the open cases' signals and deadlines are
//! compared before and after, so the officer sees what the change did.
//!
//! **[decision]** The recomputation runs at the instant of the last evaluation (the instant
//! the stored signals describe), not at the wall clock: the difference it reports is then the
//! calendar change alone, not the passage of time. With no evaluation yet, it runs at now.
//! The live evaluator moves on from there at its next run.

use std::collections::{BTreeMap, HashMap};

use jiancha_api::calendar::{
    CalendarActor, CalendarCaseChange, CalendarChangeResult, CalendarDay, CalendarDayEditRequest,
    CalendarDayKind, CalendarDaySource, CalendarEditDay, CalendarEditEntry, CalendarImportFormat,
    CalendarImportRequest, CalendarRecompute, CalendarYearEntry, CalendarYearView,
};
use jiancha_api::{ApiError, ErrorCode};
use jiancha_calendar::chrono::{DateTime, Datelike, FixedOffset, NaiveDate, SecondsFormat};
use jiancha_calendar::{cst, Calendar, DayOverride};

use crate::settings::clock_config;
use jiancha_store::Db;

use jiancha_api::auth::AccountRole;
use jiancha_workflow::auth::Action;

use crate::auth;
use crate::calendar_store::{self, CalendarStoreError, EditMeta, EditSource};
use crate::error::{internal, invalid};
use crate::Service;

/// The largest imported file accepted (a year file of holiday-cn is ~3 KB; an .ics a few KB).
pub const MAX_IMPORT_BYTES: usize = 256 * 1024;

/// Years the view answers for (the calendar's arithmetic covers far more; these bound input).
const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

fn store_err(e: CalendarStoreError) -> ApiError {
    match e {
        CalendarStoreError::Invalid(m) => invalid(m),
        other => internal(other),
    }
}

fn fmt_instant(t: DateTime<FixedOffset>) -> String {
    t.with_timezone(&cst())
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

fn now() -> DateTime<FixedOffset> {
    // The service is the edge: it reads the wall clock (crate::clock) and passes it down.
    crate::clock::system_now().with_timezone(&cst())
}

/// Who edits are recorded as: the signed-in user at this workstation,
/// `显示名（username@workstation）`. **[decision]** Officers, leaders and administrators may
/// import and edit (issue 3: "officers can import … and edit single days"; the calendar is
/// also shared configuration an administrator maintains); reviewers (查阅人员, read-only,
/// Art. A8) may not.
pub fn current_actor(svc: &Service) -> Result<CalendarActor, ApiError> {
    let user = auth::require(svc, Action::View)?;
    let ws = auth::workstation_id(svc)?;
    Ok(CalendarActor {
        name: format!("{}（{}@{ws}）", user.display_name, user.username),
        source: "session".to_string(),
        may_edit: user.role != AccountRole::Reviewer,
    })
}

/// The actor of an edit, refused for reviewers (read-only role).
fn editor(svc: &Service) -> Result<String, ApiError> {
    let a = current_actor(svc)?;
    if !a.may_edit {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "查阅人员不能修改工作日历 / a reviewer may not change the working-day calendar",
        ));
    }
    Ok(a.name)
}

fn parse_date(s: &str, what: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|e| {
        invalid(format!(
            "{what}日期“{s}”无效，应为 YYYY-MM-DD / {what} date {s:?} is not YYYY-MM-DD: {e}"
        ))
    })
}

fn check_year(year: i32) -> Result<(), ApiError> {
    if YEARS.contains(&year) {
        Ok(())
    } else {
        Err(invalid(format!(
            "年份 {year} 超出范围 {}–{} / year {year} is outside {}–{}",
            YEARS.start(),
            YEARS.end(),
            YEARS.start(),
            YEARS.end()
        )))
    }
}

/// Every day of `year` in the effective calendar, the years to offer, and the actor.
pub fn year_view(svc: &Service, year: i32) -> Result<CalendarYearView, ApiError> {
    check_year(year)?;
    let actor = current_actor(svc)?;
    let db = svc.db()?;
    year_view_db(&db, year, now().year(), actor)
}

fn year_view_db(
    db: &Db,
    year: i32,
    this_year: i32,
    actor: CalendarActor,
) -> Result<CalendarYearView, ApiError> {
    let cal = calendar_store::load_calendar(db).map_err(store_err)?;
    let edits = calendar_store::list_edits(db).map_err(store_err)?;
    let version = edits.last().map(|e| e.version).unwrap_or(0);
    // The latest edit that set each date: imported or edited, and its version.
    let mut set_by: HashMap<NaiveDate, (CalendarDaySource, i64)> = HashMap::new();
    let mut imported_years = Vec::new();
    for e in &edits {
        let source = match e.source {
            EditSource::Manual => CalendarDaySource::Edited,
            EditSource::HolidayCnJson | EditSource::Ics => CalendarDaySource::Imported,
        };
        if let Some(y) = e.year {
            imported_years.push(y);
        }
        for d in &e.days {
            set_by.insert(d.date, (source, e.version));
        }
    }
    let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| invalid("bad year"))?;
    let known = cal.is_known(first);
    let (mut workdays, mut holidays, mut makeup_days, mut edited_days) = (0, 0, 0, 0);
    let days: Vec<CalendarDay> = first
        .iter_days()
        .take_while(|d| d.year() == year)
        .map(|date| {
            let weekday = date.weekday().number_from_monday() as u8;
            let weekend = weekday >= 6;
            let workday = cal.is_workday(date);
            let listed = cal.listed(date);
            let kind = match (workday, weekend, listed.is_some()) {
                (true, true, _) => CalendarDayKind::Makeup,
                (true, false, _) => CalendarDayKind::Workday,
                (false, _, true) => CalendarDayKind::Holiday,
                (false, true, false) => CalendarDayKind::Weekend,
                // Not listed yet not a working day on a weekday cannot happen (ordinary week);
                // shown as a day off all the same rather than hidden.
                (false, false, false) => CalendarDayKind::Holiday,
            };
            let (source, v) = match (set_by.get(&date), listed) {
                (Some(&(s, v)), _) => (s, Some(v)),
                (None, Some(_)) => (CalendarDaySource::Builtin, None),
                (None, None) => (CalendarDaySource::Ordinary, None),
            };
            workdays += u32::from(workday);
            holidays += u32::from(kind == CalendarDayKind::Holiday);
            makeup_days += u32::from(kind == CalendarDayKind::Makeup);
            edited_days += u32::from(source == CalendarDaySource::Edited);
            CalendarDay {
                date: date.format("%Y-%m-%d").to_string(),
                weekday,
                workday,
                kind,
                name: listed.map(|l| l.name.clone()).unwrap_or_default(),
                source,
                version: v,
            }
        })
        .collect();
    Ok(CalendarYearView {
        year,
        known,
        version,
        days,
        workdays,
        holidays,
        makeup_days,
        edited_days,
        years: years_offered(&cal, &imported_years, year, this_year),
        actor,
        max_import_bytes: MAX_IMPORT_BYTES as u64,
    })
}

/// The known years, the current year and the one after (the next arrangement to import), and
/// the year asked for.
fn years_offered(
    cal: &Calendar,
    imported: &[i32],
    asked: i32,
    this_year: i32,
) -> Vec<CalendarYearEntry> {
    let known = cal.known_years();
    let lo = known.iter().copied().min().unwrap_or(this_year).min(asked);
    let hi = known
        .iter()
        .copied()
        .max()
        .unwrap_or(this_year)
        .max(this_year + 1)
        .max(asked);
    (lo..=hi)
        .map(|year| CalendarYearEntry {
            year,
            known: known.contains(&year),
            imported: imported.contains(&year),
        })
        .collect()
}

/// The edit history, newest first.
pub fn history(svc: &Service) -> Result<Vec<CalendarEditEntry>, ApiError> {
    auth::require(svc, Action::View)?;
    let db = svc.db()?;
    history_db(&db)
}

fn history_db(db: &Db) -> Result<Vec<CalendarEditEntry>, ApiError> {
    let mut out: Vec<CalendarEditEntry> = calendar_store::list_edits(db)
        .map_err(store_err)?
        .into_iter()
        .map(|e| CalendarEditEntry {
            version: e.version,
            year: e.year,
            source: match e.source {
                EditSource::Manual => "manual",
                EditSource::HolidayCnJson => "holiday-cn-json",
                EditSource::Ics => "ics",
            }
            .to_string(),
            actor: e.actor,
            at: fmt_instant(e.at),
            reason: e.reason,
            days: e
                .days
                .into_iter()
                .map(|d| CalendarEditDay {
                    date: d.date.format("%Y-%m-%d").to_string(),
                    workday: d.workday,
                    name: d.name,
                })
                .collect(),
        })
        .collect();
    out.reverse();
    Ok(out)
}

/// Imports a year's arrangement (holiday-cn JSON or .ics text read in the page), then
/// re-evaluates every case. A bad file is refused with the line/field at fault, nothing stored.
pub fn import(svc: &Service, req: CalendarImportRequest) -> Result<CalendarChangeResult, ApiError> {
    let actor = editor(svc)?;
    let mut db = svc.db()?;
    let meta = EditMeta {
        actor,
        at: now(),
        reason: req.reason.clone(),
    };
    let out = import_db(&mut db, &meta, &req, None)?;
    drop(db);
    audit_change(
        svc,
        "calendar.import",
        &out,
        serde_json::json!({ "file": req.file_name.trim(), "year": out.year, "days": out.days, "reason": req.reason.trim() }),
    );
    // The live loop re-evaluates at the feed's clock and tells the open screens.
    svc.live().settings_changed(true);
    Ok(out)
}

fn import_db(
    db: &mut Db,
    meta: &EditMeta,
    req: &CalendarImportRequest,
    eval_at: Option<i64>,
) -> Result<CalendarChangeResult, ApiError> {
    let file = if req.file_name.trim().is_empty() {
        "（未命名文件 / unnamed file）".to_string()
    } else {
        req.file_name.trim().to_string()
    };
    if req.text.len() > MAX_IMPORT_BYTES {
        return Err(invalid(format!(
            "文件 {file} 过大（{} 字节，上限 {MAX_IMPORT_BYTES}）/ file {file} is too large ({} bytes, limit {MAX_IMPORT_BYTES})",
            req.text.len(),
            req.text.len()
        )));
    }
    if req.text.trim().is_empty() {
        return Err(invalid(format!("文件 {file} 为空 / file {file} is empty")));
    }
    if req.reason.trim().is_empty() {
        return Err(invalid(
            "请填写导入原因（如国务院通知文号）/ the reason of the import is empty",
        ));
    }
    let bad = |e: CalendarStoreError| {
        match e {
        CalendarStoreError::Invalid(m) => invalid(format!(
            "文件 {file} 无法导入，未作任何修改：{m} / file {file} was not imported, nothing changed: {m}"
        )),
        other => internal(other),
    }
    };
    let (version, year) = match req.format {
        CalendarImportFormat::HolidayCnJson => {
            let arr = jiancha_calendar::import::parse_holiday_cn_json(&req.text)
                .map_err(|e| bad(CalendarStoreError::Invalid(e.0)))?;
            check_year(arr.year)?;
            let v = calendar_store::import_holiday_cn_json(db, meta, &req.text).map_err(bad)?;
            (v, arr.year)
        }
        CalendarImportFormat::Ics => {
            let year = req.year.ok_or_else(|| {
                invalid("导入 .ics 文件须指定年份 / an .ics import needs the year it arranges")
            })?;
            check_year(year)?;
            let v = calendar_store::import_ics(db, meta, year, &req.text).map_err(bad)?;
            (v, year)
        }
    };
    let days = calendar_store::list_edits(db)
        .map_err(store_err)?
        .into_iter()
        .find(|e| e.version == version)
        .map(|e| e.days.len() as u32)
        .unwrap_or(0);
    let recompute = recompute_after(db, version, eval_at)?;
    Ok(CalendarChangeResult {
        version,
        days,
        year: Some(year),
        recompute,
    })
}

/// Sets one day to a working day or a day off, with a mandatory reason, then re-evaluates
/// every case.
pub fn edit_day(
    svc: &Service,
    req: CalendarDayEditRequest,
) -> Result<CalendarChangeResult, ApiError> {
    let actor = editor(svc)?;
    let mut db = svc.db()?;
    let meta = EditMeta {
        actor,
        at: now(),
        reason: req.reason.clone(),
    };
    let out = edit_day_db(&mut db, &meta, &req, None)?;
    drop(db);
    audit_change(
        svc,
        "calendar.edit_day",
        &out,
        serde_json::json!({ "date": req.date.trim(), "workday": req.workday, "name": req.name.trim(), "reason": req.reason.trim() }),
    );
    // The live loop re-evaluates at the feed's clock and tells the open screens.
    svc.live().settings_changed(true);
    Ok(out)
}

/// Every calendar change is also an entry of the audit chain (the calendar keeps its own
/// versioned history too). Stored already when this runs: a failure is logged, not returned.
fn audit_change(
    svc: &Service,
    action: &str,
    out: &CalendarChangeResult,
    details: serde_json::Value,
) {
    let mut details = details;
    details["version"] = out.version.into();
    details["changed_signal"] = out.recompute.changed_signal.into();
    details["changed_deadline"] = out.recompute.changed_deadline.into();
    if let Err(e) = auth::audit_action(
        svc,
        Action::View,
        action,
        &format!("calendar:v{}", out.version),
        details,
    ) {
        tracing::error!(action, error = %e.message, "audit entry for a calendar change failed");
    }
}

fn edit_day_db(
    db: &mut Db,
    meta: &EditMeta,
    req: &CalendarDayEditRequest,
    eval_at: Option<i64>,
) -> Result<CalendarChangeResult, ApiError> {
    let date = parse_date(&req.date, "修改的 / edited ")?;
    check_year(date.year())?;
    if req.reason.trim().is_empty() {
        return Err(invalid(
            "请填写修改原因 / the reason of the edit is empty (it is mandatory)",
        ));
    }
    if req.name.chars().count() > 40 {
        return Err(invalid(
            "日期名称过长（最多 40 字）/ the day's name is longer than 40 characters",
        ));
    }
    let version = calendar_store::record_day_edits(
        db,
        meta,
        &[DayOverride {
            date,
            workday: req.workday,
            name: req.name.trim().to_string(),
        }],
    )
    .map_err(store_err)?;
    let recompute = recompute_after(db, version, eval_at)?;
    Ok(CalendarChangeResult {
        version,
        days: 1,
        year: None,
        recompute,
    })
}

fn recompute_after(
    db: &mut Db,
    version: i64,
    eval_at: Option<i64>,
) -> Result<CalendarRecompute, ApiError> {
    recompute(db, eval_at).map_err(|e| {
        ApiError::new(
            ErrorCode::Internal,
            format!(
                "日历已保存（版本 {version}），但案件重算失败，将在下次评估时重算：{} / the calendar was saved (version {version}) but recomputing the cases failed; the next evaluation will redo it: {}",
                e.message, e.message
            ),
        )
    })
}

/// Re-evaluates every case with the effective calendar and compares the open cases' signals
/// and deadlines before and after. `at`: the evaluation instant (Unix seconds); `None` = the
/// last evaluation's instant, or now when there was none (see the module's decision).
pub fn recompute(db: &mut Db, at: Option<i64>) -> Result<CalendarRecompute, ApiError> {
    let last = jiancha_feed::db::evaluation::evaluated_at(db.conn())?;
    let at = at.or(last).unwrap_or_else(|| now().timestamp());
    let before: Signals = jiancha_feed::db::evaluation::signals_by_case(db.conn(), true)?
        .into_iter()
        .collect();
    let cal = calendar_store::load_calendar(db).map_err(store_err)?;
    let cfg = clock_config(db)?;
    let summary = jiancha_feed::evaluate(db, &cal, &cfg, at, true)?;
    let after: HashMap<String, (String, String)> =
        jiancha_feed::db::evaluation::signals_by_case(db.conn(), false)?
            .into_iter()
            .collect();
    let (mut changed_signal, mut changed_deadline) = (0u64, 0u64);
    let mut samples = Vec::new();
    for (id, (sig0, d0)) in &before {
        let (sig1, d1) = after
            .get(id)
            .cloned()
            .unwrap_or_else(|| ("unclassified".to_string(), String::new()));
        let s = *sig0 != sig1;
        let d = *d0 != d1;
        changed_signal += u64::from(s);
        changed_deadline += u64::from(d);
        if (s || d) && samples.len() < 20 {
            samples.push(CalendarCaseChange {
                case_id: id.clone(),
                signal_before: sig0.clone(),
                signal_after: sig1,
                deadline_before: d0.clone(),
                deadline_after: d1,
            });
        }
    }
    Ok(CalendarRecompute {
        at: fmt_instant(
            DateTime::from_timestamp(at, 0)
                .unwrap_or_default()
                .with_timezone(&cst()),
        ),
        evaluated: summary.evaluated,
        open_cases: before.len() as u64,
        changed_signal,
        changed_deadline,
        clock_errors: summary.clock_errors,
        samples,
    })
}

type Signals = BTreeMap<String, (String, String)>;

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(reason: &str) -> EditMeta {
        EditMeta {
            actor: "测试员@ws1".into(),
            at: DateTime::parse_from_rfc3339("2026-11-27T10:00:00+08:00").unwrap(),
            reason: reason.into(),
        }
    }

    fn actor() -> CalendarActor {
        CalendarActor {
            name: "测试员（t@ws1）".into(),
            source: "session".into(),
            may_edit: true,
        }
    }

    fn day<'a>(v: &'a CalendarYearView, date: &str) -> &'a CalendarDay {
        v.days.iter().find(|d| d.date == date).unwrap()
    }

    const Y2027: &str = r#"{
  "year": 2027,
  "papers": ["测试用安排（非真实通知）"],
  "days": [
    {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
    {"name": "国庆节", "date": "2027-10-01", "isOffDay": true},
    {"name": "国庆节", "date": "2027-10-09", "isOffDay": false}
  ]
}"#;

    #[test]
    fn year_2026_marks_national_day_and_makeup_days() {
        let db = Db::open_in_memory().unwrap();
        let v = year_view_db(&db, 2026, 2026, actor()).unwrap();
        assert!(v.known);
        assert_eq!(v.days.len(), 365);
        assert_eq!(v.version, 0);
        for d in 1..=7 {
            let x = day(&v, &format!("2026-10-{d:02}"));
            assert_eq!(x.kind, CalendarDayKind::Holiday, "{x:?}");
            assert!(!x.workday);
            assert_eq!(x.name, "国庆节");
            assert_eq!(x.source, CalendarDaySource::Builtin);
        }
        // Make-up working days of 2026 (holiday-cn): all on weekends.
        let makeup: Vec<&str> = v
            .days
            .iter()
            .filter(|d| d.kind == CalendarDayKind::Makeup)
            .map(|d| d.date.as_str())
            .collect();
        assert_eq!(
            makeup,
            [
                "2026-01-04",
                "2026-02-14",
                "2026-02-28",
                "2026-05-09",
                "2026-09-20",
                "2026-10-10"
            ]
        );
        assert_eq!(v.makeup_days, 6);
        assert!(day(&v, "2026-10-10").workday);
        assert_eq!(day(&v, "2026-10-08").kind, CalendarDayKind::Workday);
        assert_eq!(day(&v, "2026-10-11").kind, CalendarDayKind::Weekend);
        // 2026 has 365 days; the working days are what the calendar's arithmetic says.
        let cal = Calendar::builtin();
        let d0 = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
        let d1 = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        assert_eq!(i64::from(v.workdays), cal.workdays_between(d0, d1));
        // The switcher: shipped years known, 2027 offered as provisional.
        let y27 = v.years.iter().find(|y| y.year == 2027).unwrap();
        assert!(!y27.known && !y27.imported);
        assert!(v.years.iter().any(|y| y.year == 2007 && y.known));
    }

    #[test]
    fn unknown_year_is_provisional() {
        let db = Db::open_in_memory().unwrap();
        let v = year_view_db(&db, 2027, 2026, actor()).unwrap();
        assert!(!v.known, "2027 is not shipped");
        assert_eq!(v.holidays, 0);
        assert_eq!(day(&v, "2027-10-01").kind, CalendarDayKind::Workday);
        let e = check_year(1800).unwrap_err();
        assert!(e.message.contains("1800"), "{}", e.message);
    }

    #[test]
    fn import_2027_makes_it_known_and_a_bad_file_changes_nothing() {
        let mut db = Db::open_in_memory().unwrap();
        let req = |text: &str| CalendarImportRequest {
            format: CalendarImportFormat::HolidayCnJson,
            year: None,
            file_name: "2027.json".into(),
            text: text.into(),
            reason: "国办发明电〔2026〕X号".into(),
        };
        // A bad file: the error names the field at fault; nothing is stored.
        let bad = Y2027.replace("2027-10-09", "2027-13-09");
        let e = import_db(&mut db, &meta("x"), &req(&bad), Some(0)).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(e.message.contains("days[2].date"), "{}", e.message);
        assert!(e.message.contains("2027.json"), "{}", e.message);
        // Broken JSON: serde names the line and column.
        let e = import_db(
            &mut db,
            &meta("x"),
            &req("{\n \"year\": 2027,\n \"days\": [,]}"),
            Some(0),
        )
        .unwrap_err();
        assert!(e.message.contains("line 3"), "{}", e.message);
        // Too large, empty, no reason.
        let big = " ".repeat(MAX_IMPORT_BYTES + 1);
        assert!(import_db(&mut db, &meta("x"), &req(&big), Some(0))
            .unwrap_err()
            .message
            .contains("too large"));
        let mut r = req(Y2027);
        r.reason = " ".into();
        assert!(import_db(&mut db, &meta(" "), &r, Some(0))
            .unwrap_err()
            .message
            .contains("reason"));
        // An .ics without a year.
        let ics = CalendarImportRequest {
            format: CalendarImportFormat::Ics,
            year: None,
            ..req("BEGIN:VCALENDAR\nEND:VCALENDAR\n")
        };
        assert!(import_db(&mut db, &meta("x"), &ics, Some(0)).is_err());
        assert_eq!(calendar_store::calendar_version(&db).unwrap(), 0);
        assert!(!year_view_db(&db, 2027, 2026, actor()).unwrap().known);

        let res = import_db(&mut db, &meta("x"), &req(Y2027), Some(0)).unwrap();
        assert_eq!(res.year, Some(2027));
        assert_eq!(res.days, 3);
        assert_eq!(res.recompute.open_cases, 0, "no cases in this database");
        let v = year_view_db(&db, 2027, 2026, actor()).unwrap();
        assert!(v.known);
        assert_eq!(v.version, res.version);
        let oct1 = day(&v, "2027-10-01");
        assert_eq!(oct1.kind, CalendarDayKind::Holiday);
        assert_eq!(oct1.source, CalendarDaySource::Imported);
        assert_eq!(oct1.version, Some(res.version));
        assert_eq!(day(&v, "2027-10-09").kind, CalendarDayKind::Makeup);
        let y = v.years.iter().find(|y| y.year == 2027).unwrap();
        assert!(y.known && y.imported);
    }

    #[test]
    fn ics_import_of_a_year() {
        let mut db = Db::open_in_memory().unwrap();
        let ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:国庆节 放假\r\nDTSTART;VALUE=DATE:20271001\r\nDTEND;VALUE=DATE:20271008\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:国庆节 补班\r\nDTSTART;VALUE=DATE:20271009\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let req = CalendarImportRequest {
            format: CalendarImportFormat::Ics,
            year: Some(2027),
            file_name: "2027.ics".into(),
            text: ics.into(),
            reason: "通知".into(),
        };
        let res = import_db(&mut db, &meta("通知"), &req, Some(0)).unwrap();
        assert_eq!(res.days, 8);
        let v = year_view_db(&db, 2027, 2026, actor()).unwrap();
        assert!(v.known);
        assert_eq!(day(&v, "2027-10-07").kind, CalendarDayKind::Holiday);
        assert_eq!(day(&v, "2027-10-09").kind, CalendarDayKind::Makeup);
    }

    #[test]
    fn a_day_edit_is_versioned_and_in_the_history() {
        let mut db = Db::open_in_memory().unwrap();
        let req = CalendarDayEditRequest {
            date: "2026-12-01".into(),
            workday: false,
            name: "台风停工".into(),
            reason: "市政府通知全市停工一天".into(),
        };
        let mut no_reason = req.clone();
        no_reason.reason = "  ".into();
        let e = edit_day_db(&mut db, &meta("x"), &no_reason, Some(0)).unwrap_err();
        assert!(e.message.contains("reason"), "{}", e.message);
        let mut bad_date = req.clone();
        bad_date.date = "2026-12-32".into();
        let e = edit_day_db(&mut db, &meta("x"), &bad_date, Some(0)).unwrap_err();
        assert!(e.message.contains("2026-12-32"), "{}", e.message);
        assert!(history_db(&db).unwrap().is_empty());

        let m = EditMeta {
            reason: req.reason.clone(),
            ..meta("")
        };
        let r1 = edit_day_db(&mut db, &m, &req, Some(0)).unwrap();
        let v = year_view_db(&db, 2026, 2026, actor()).unwrap();
        let d = day(&v, "2026-12-01");
        assert_eq!(d.kind, CalendarDayKind::Holiday);
        assert_eq!(d.source, CalendarDaySource::Edited);
        assert_eq!(d.version, Some(r1.version));
        assert_eq!(d.name, "台风停工");
        assert_eq!(v.edited_days, 1);
        // Undo by a new edit: the history keeps both.
        let undo = CalendarDayEditRequest {
            workday: true,
            name: String::new(),
            reason: "误录，恢复".into(),
            ..req.clone()
        };
        let r2 = edit_day_db(&mut db, &meta("误录，恢复"), &undo, Some(0)).unwrap();
        assert!(r2.version > r1.version);
        assert!(year_view_db(&db, 2026, 2026, actor()).unwrap().days[334].workday);
        let h = history_db(&db).unwrap();
        assert_eq!(h.len(), 2);
        assert_eq!(h[0].version, r2.version, "newest first");
        assert_eq!(h[1].reason, "市政府通知全市停工一天");
        assert_eq!(h[1].actor, "测试员@ws1");
        assert_eq!(h[1].at, "2026-11-27T10:00:00+08:00");
        assert_eq!(h[1].source, "manual");
        assert_eq!(h[1].days[0].date, "2026-12-01");
        assert!(!h[1].days[0].workday);
    }

    /// Through the service: signed out is refused; the signed-in administrator's edit is
    /// recorded as them at this workstation; a reviewer may read but not edit.
    #[test]
    fn edits_need_a_signed_in_editor() {
        use jiancha_api::auth::NewAccountRequest;
        let dir = tempfile::tempdir().unwrap();
        let svc = Service::open(crate::Config::embedded_default(dir.path())).unwrap();
        let req = CalendarDayEditRequest {
            date: "2026-12-01".into(),
            workday: false,
            name: String::new(),
            reason: "测试".into(),
        };
        let e = edit_day(&svc, req.clone()).unwrap_err();
        assert_eq!(e.code, ErrorCode::Unauthenticated, "{e}");
        assert!(year_view(&svc, 2026).is_err(), "nothing shows signed out");
        auth::setup_first_admin(&svc, "admin", "管理员", "a-long-pass-1").unwrap();
        let v = year_view(&svc, 2026).unwrap();
        assert!(v.actor.may_edit);
        let r = edit_day(&svc, req.clone()).unwrap();
        let h = history(&svc).unwrap();
        assert_eq!(h[0].version, r.version);
        let ws = auth::workstation_id(&svc).unwrap();
        assert_eq!(h[0].actor, format!("管理员（admin@{ws}）"));
        // The edit is in the audit chain too, with its version and reason.
        let page = auth::audit_page(&svc, 0, 10).unwrap();
        let entry = page
            .entries
            .iter()
            .find(|e| e.action == "calendar.edit_day")
            .expect("calendar edit audited");
        assert_eq!(entry.subject, format!("calendar:v{}", r.version));
        assert!(entry.details.contains("2026-12-01") && entry.details.contains("测试"));
        assert!(auth::audit_verify(&svc).unwrap().intact);
        auth::create_account(
            &svc,
            &NewAccountRequest {
                username: "rev".into(),
                display_name: "查阅员".into(),
                role: AccountRole::Reviewer,
                password: "r-long-pass-1".into(),
            },
        )
        .unwrap();
        auth::sign_in(&svc, "rev", "r-long-pass-1").unwrap();
        let v = year_view(&svc, 2026).unwrap();
        assert!(!v.actor.may_edit);
        assert_eq!(v.edited_days, 1);
        let e = edit_day(&svc, req).unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden, "{e}");
        assert_eq!(history(&svc).unwrap().len(), 1, "nothing stored");
    }

    /// Open cases from the simulator, evaluated; a day edit re-evaluates all of them, and the
    /// reported count of changed signals equals what the clock says case by case.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_edit_recomputes_every_open_case() {
        use jiancha_feedsim::{serve, Plant, ServeConfig, WorldConfig};
        let mut w = WorldConfig::new(11, 1_500);
        w.plant = Plant::NONE;
        let mut c = ServeConfig::new(w);
        c.retry_after_secs = 0;
        let h = serve(c).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite");
        let mut o = jiancha_feed::SyncOptions::new(h.url());
        o.cold_load_min_records = u64::MAX;
        let r = jiancha_feed::sync(
            &path,
            &o,
            std::sync::Arc::new(Calendar::builtin()),
            std::sync::Arc::new(|_| {}),
        )
        .await
        .unwrap();
        h.shutdown().await;
        let at = r.server_time.unwrap();
        let mut db = Db::open(&path).unwrap();
        let cc = jiancha_calendar::ClockConfig::default();
        let s = jiancha_feed::evaluate(&mut db, &Calendar::builtin(), &cc, at, false).unwrap();
        let open = s.normal + s.warning + s.yellow + s.red;
        assert!(open > 0, "{s:?}");

        // The working day before `at` becomes a day off: cases due that day, or red since
        // `at`'s midnight, change signal.
        let at_dt = DateTime::from_timestamp(at, 0)
            .unwrap()
            .with_timezone(&cst());
        let old = Calendar::builtin();
        let edited = old.prev_workday(at_dt.date_naive());
        let req = CalendarDayEditRequest {
            date: edited.format("%Y-%m-%d").to_string(),
            workday: false,
            name: "临时停工".into(),
            reason: "测试重算".into(),
        };
        let res = edit_day_db(&mut db, &meta("测试重算"), &req, None).unwrap();
        let rc = &res.recompute;
        assert_eq!(rc.open_cases, open);
        assert!(rc.evaluated >= open, "{rc:?}");
        assert_eq!(
            rc.at,
            at_dt.to_rfc3339_opts(SecondsFormat::Secs, false),
            "recomputed at the last evaluation's instant"
        );
        // Independently: the clock on each open case, with the old and the new calendar.
        let new = calendar_store::load_calendar(&db).unwrap();
        let rows = jiancha_feed::db::case::open_signalled(db.conn(), 100_000).unwrap();
        let (mut sig, mut dl) = (0u64, 0u64);
        for c in &rows {
            let clock = jiancha_feed::case_clock(&c.case, c.closed_at).unwrap();
            let a = jiancha_calendar::evaluate(&old, &clock, at_dt, &cc).unwrap();
            let b = jiancha_calendar::evaluate(&new, &clock, at_dt, &cc).unwrap();
            sig += u64::from(a.signal.as_str() != b.signal.as_str());
            dl += u64::from(a.deadline != b.deadline);
        }
        assert_eq!(rows.len() as u64, open);
        assert_eq!(rc.changed_signal, sig, "{rc:?}");
        assert_eq!(rc.changed_deadline, dl, "{rc:?}");
        assert!(rc.changed_deadline > 0, "{rc:?}");
        assert!(rc.changed_signal > 0, "{rc:?}");
        assert!(!rc.samples.is_empty() && rc.samples.len() <= 20);
    }
}
