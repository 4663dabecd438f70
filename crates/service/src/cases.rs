//! The case screen (案件): facts, timeline, clock now, signal history, findings and the
//! versions they compare (issue 5 item 3; docs/queues.md).

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use jiancha_api::queues::{
    CaseClockView, CaseDetail, CaseFact, CaseVersionRow, SignalEvent, TimelineDay, TimelineEvent,
};
use jiancha_api::{ApiError, ErrorCode};
use jiancha_calendar::{cst, Calendar, ClockConfig, PauseKind};
use jiancha_protocol::{Case, SpecialKind, Timestamp};
use jiancha_store::rusqlite::OptionalExtension;
use jiancha_store::Db;

use crate::error::{internal, invalid};
use crate::queues::{finding_row, FINDING_COLUMNS};
use crate::Service;

/// At most this many days are listed on the timeline's day strip.
pub const MAX_DAYS: i64 = 400;

/// The case `case_id` as the clock sees it at `now` (Unix seconds).
pub fn case_detail(svc: &Service, case_id: &str, now: i64) -> Result<CaseDetail, ApiError> {
    // The data is sensitive: only a signed-in, unlocked user reads it (issue 7).
    crate::auth::require(svc, jiancha_workflow::auth::Action::View)?;
    let db = svc.db()?;
    let cal = crate::calendar_store::load_calendar(&db).map_err(internal)?;
    case_detail_db(&db, &cal, case_id, now)
}

fn at(t: i64) -> Result<DateTime<FixedOffset>, ApiError> {
    DateTime::from_timestamp(t, 0)
        .map(|t| t.with_timezone(&cst()))
        .ok_or_else(|| invalid(format!("bad instant {t}")))
}

fn ts(t: &Timestamp) -> i64 {
    t.0.timestamp()
}

fn fmt_time(t: &Timestamp) -> String {
    t.0.with_timezone(&cst())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// A code with its name from the national exchange format's code tables, e.g. `3 已受理`.
fn coded(code: &str, names: &[(&str, &str)]) -> String {
    match names.iter().find(|(c, _)| *c == code) {
        Some((_, n)) => format!("{code} {n}"),
        None => code.to_string(),
    }
}

const CASE_TYPES: &[(&str, &str)] = &[("1", "即办件"), ("2", "承诺件"), ("9", "其他")];
const CASE_STATUSES: &[(&str, &str)] = &[
    ("1", "已接件"),
    ("2", "已撤件"),
    ("3", "已受理"),
    ("4", "不受理"),
    ("5", "不予受理"),
    ("6", "补正（开始）"),
    ("7", "补正（结束）"),
    ("8", "部门开始办理"),
    ("9", "特别程序（开始）"),
    ("10", "特别程序（结束）"),
    ("11", "办结（通过）"),
    ("12", "办结（容缺通过）"),
    ("13", "办结（不通过）"),
    ("14", "撤回"),
    ("15", "撤销"),
];
const APPLICANT_KINDS: &[(&str, &str)] = &[("1", "自然人"), ("2", "法人")];
const SOURCES: &[(&str, &str)] = &[("1", "窗口"), ("2", "网上")];

fn outcome(o: &jiancha_protocol::Outcome) -> String {
    match o {
        jiancha_protocol::Outcome::Approved => "通过",
        jiancha_protocol::Outcome::Conditional => "容缺通过",
        jiancha_protocol::Outcome::Rejected => "不通过",
    }
    .to_string()
}

fn json_text<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// Database-level case detail (tests call it directly).
pub fn case_detail_db(
    db: &Db,
    cal: &Calendar,
    case_id: &str,
    now: i64,
) -> Result<CaseDetail, ApiError> {
    let case_id = case_id.trim();
    if case_id.is_empty() {
        return Err(invalid("办件编号为空 / case id is empty"));
    }
    let row: Option<(String, Option<i64>)> = db
        .conn()
        .query_row(
            "SELECT v.payload, c.closed_at FROM cases c JOIN case_versions v ON v.seq = c.seq \
             WHERE c.case_id = ?1",
            [case_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(internal)?;
    let Some((payload, closed_at)) = row else {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            format!("办件不存在 / no case {case_id:?} in the cache"),
        ));
    };
    let mut case: Case = serde_json::from_str(&payload)
        .map_err(|e| internal(format!("stored case {case_id} does not parse: {e}")))?;
    let findings = {
        let mut st = db
            .conn()
            .prepare_cached(&format!(
                "SELECT {FINDING_COLUMNS} FROM integrity_findings f \
                 LEFT JOIN departments d ON d.dept_id = f.dept_id \
                 WHERE f.case_id = ?1 ORDER BY f.observed_at, f.finding_id LIMIT 200"
            ))
            .map_err(internal)?;
        let rows = st.query_map([case_id], finding_row).map_err(internal)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(internal)?
    };
    // Art. A9(2)(8) decision (as the evaluator): a backdated case runs on the instants as
    // first reported, so the case screen shows the clock the queues use.
    if findings.iter().any(|f| f.kind == "backdated") {
        first_reported_times(db, &mut case)?;
    }
    let facts = facts(db, &case)?;
    let timeline = timeline(&case);
    let signals = {
        let mut st = db
            .conn()
            .prepare_cached(
                "SELECT level, began_at FROM signals WHERE case_id = ?1 ORDER BY began_at, level",
            )
            .map_err(internal)?;
        let rows = st
            .query_map([case_id], |r| {
                Ok(SignalEvent {
                    level: match r.get::<_, i64>(0)? {
                        1 => jiancha_api::queues::CardLevel::Warning,
                        2 => jiancha_api::queues::CardLevel::Yellow,
                        _ => jiancha_api::queues::CardLevel::Red,
                    },
                    began_at: r.get(1)?,
                })
            })
            .map_err(internal)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(internal)?
    };
    let versions = {
        let mut st = db
            .conn()
            .prepare_cached(
                "SELECT v.seq, v.reported_at, v.received_at, v.status, v.accepted_at, \
                 v.completed_at, v.seq = c.seq FROM case_versions v JOIN cases c USING (case_id) \
                 WHERE v.case_id = ?1 ORDER BY v.seq LIMIT 500",
            )
            .map_err(internal)?;
        let rows = st
            .query_map([case_id], |r| {
                Ok(CaseVersionRow {
                    seq: r.get(0)?,
                    reported_at: r.get(1)?,
                    received_at: r.get(2)?,
                    status: r.get(3)?,
                    accepted_at: r.get(4)?,
                    completed_at: r.get(5)?,
                    is_latest: r.get(6)?,
                })
            })
            .map_err(internal)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(internal)?
    };
    let now_dt = at(now)?;
    let (clock, clock_error) = match jiancha_feed::case_clock(&case, closed_at) {
        None => (
            None,
            Some("未受理：时限未起算 / not accepted: no clock runs".to_string()),
        ),
        Some(cc) => {
            // The clock at `now` ignores events after it; a closed case is shown at its close.
            match jiancha_calendar::evaluate(cal, &cc, now_dt, &ClockConfig::default()) {
                Ok(st) => (
                    Some(CaseClockView {
                        at: now,
                        deadline: st.deadline.to_string(),
                        signal: st.signal.as_str().to_string(),
                        remaining_workdays: st.remaining_workdays,
                        pause_remaining_days: st.pause.and_then(|p| p.remaining_days),
                        pause_kind: st.pause.map(|p| {
                            match p.kind {
                                PauseKind::Correction => "correction",
                                PauseKind::Special => "special",
                            }
                            .to_string()
                        }),
                        pause_since: st.pause.map(|p| p.since.timestamp()),
                        warning_at: st.warning_at.timestamp(),
                        yellow_at: st.yellow_at.timestamp(),
                        red_at: st.red_at.timestamp(),
                        known: st.known,
                        cap_overruns: st.cap_overruns,
                    }),
                    None,
                ),
                Err(e) => (
                    None,
                    Some(format!("时限无法计算 / the clock cannot run: {e:?}")),
                ),
            }
        }
    };
    let days = day_strip(cal, &case, clock.as_ref(), now_dt.date_naive(), closed_at);
    Ok(CaseDetail {
        case_id: case.id.clone(),
        classified: case.classified,
        facts,
        timeline,
        days,
        clock,
        clock_error,
        signals,
        findings,
        versions,
    })
}

fn first_reported_times(db: &Db, case: &mut Case) -> Result<(), ApiError> {
    let first = |col: &str| -> Result<Option<i64>, ApiError> {
        db.conn()
            .query_row(
                &format!(
                    "SELECT {col} FROM case_versions WHERE case_id = ?1 AND {col} IS NOT NULL \
                     ORDER BY seq LIMIT 1"
                ),
                [&case.id],
                |r| r.get(0),
            )
            .optional()
            .map_err(internal)
    };
    let acc = first("accepted_at")?;
    let done = first("completed_at")?;
    if let (Some(a), Some(t)) = (case.acceptance.as_mut(), acc.and_then(Timestamp::from_unix)) {
        a.accepted_at = t;
    }
    if let (Some(c), Some(t)) = (
        case.completion.as_mut(),
        done.and_then(Timestamp::from_unix),
    ) {
        c.completed_at = t;
    }
    Ok(())
}

/// GB/T 39046 fields of the case (Art. A4: a classified case shows no applicant).
fn facts(db: &Db, c: &Case) -> Result<Vec<CaseFact>, ApiError> {
    let dept: Option<(String, String)> = db
        .conn()
        .query_row(
            "SELECT name, region_name FROM departments WHERE dept_id = ?1",
            [&c.department_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(internal)?;
    let limit = |l: &jiancha_protocol::Limit| {
        let unit = json_text(&l.unit);
        let unit = match unit.as_str() {
            "G" => "个工作日",
            "Z" => "个自然日",
            other => other,
        };
        format!("{} {unit}", l.value)
    };
    let mut f = vec![
        ("办件编号", c.id.clone()),
        ("事项名称", c.item_name.clone()),
        ("实施编码", c.item_code.clone()),
        (
            "实施机构",
            dept.as_ref()
                .map(|(n, r)| format!("{n}（{r}）"))
                .unwrap_or_else(|| c.department_id.clone()),
        ),
        ("办件类型", coded(&json_text(&c.case_type), CASE_TYPES)),
        ("办件状态", coded(&json_text(&c.status), CASE_STATUSES)),
        ("行政区划", c.region_code.clone()),
        ("承诺时限", limit(&c.promised_limit)),
        ("法定时限", limit(&c.statutory_limit)),
        ("申请时间", fmt_time(&c.application.applied_at)),
    ];
    if c.classified {
        f.push(("申请人", "（涉密，不显示）".to_string()));
    } else {
        f.push(("申请人", c.application.applicant_name.clone()));
        f.push((
            "申请人类型",
            coded(&c.application.applicant_kind, APPLICANT_KINDS),
        ));
    }
    f.push(("申请来源", coded(&c.application.source, SOURCES)));
    if let Some(a) = &c.acceptance {
        f.push(("受理时间", fmt_time(&a.accepted_at)));
        f.push(("受理人", a.accepted_by.clone()));
        f.push(("受理文书编号", a.document_no.clone()));
        if let Some(p) = &a.promised_at {
            f.push(("承诺办结时间", fmt_time(p)));
        }
    }
    if let Some(d) = &c.completion {
        f.push(("办结时间", fmt_time(&d.completed_at)));
        f.push(("办结人", d.handler.clone()));
        f.push(("办结结果", outcome(&d.outcome)));
    }
    f.push(("涉密", if c.classified { "是" } else { "否" }.to_string()));
    Ok(f.into_iter()
        .map(|(l, v)| CaseFact {
            label: l.to_string(),
            value: v,
        })
        .collect())
}

fn ev(
    kind: &str,
    label: &str,
    at: i64,
    ended_at: Option<i64>,
    detail: Option<String>,
    pause: bool,
) -> TimelineEvent {
    TimelineEvent {
        kind: kind.to_string(),
        label: label.to_string(),
        at,
        ended_at,
        detail,
        pause,
    }
}

/// Every event and step of the case, in time order.
fn timeline(c: &Case) -> Vec<TimelineEvent> {
    let mask = c.classified;
    let mut t = vec![ev(
        "application",
        "申请",
        ts(&c.application.applied_at),
        None,
        (!mask).then(|| c.application.applicant_name.clone()),
        false,
    )];
    if let Some(a) = &c.acceptance {
        t.push(ev(
            "acceptance",
            "受理",
            ts(&a.accepted_at),
            None,
            Some(a.accepted_by.clone()),
            false,
        ));
    }
    if let Some(r) = &c.rejection {
        t.push(ev(
            "rejection",
            "不予受理",
            ts(&r.rejected_at),
            None,
            (!mask).then(|| r.reason.clone()),
            false,
        ));
    }
    for s in &c.steps {
        let detail = if mask {
            s.handler.clone()
        } else {
            match &s.opinion {
                Some(o) => format!("{} · {o}", s.handler),
                None => s.handler.clone(),
            }
        };
        t.push(ev(
            "step",
            &s.name,
            ts(&s.started_at),
            s.ended_at.as_ref().map(ts),
            Some(detail),
            false,
        ));
    }
    for p in &c.corrections {
        t.push(ev(
            "correction",
            "补正（暂停计时）",
            ts(&p.started_at),
            p.ended_at.as_ref().map(ts),
            if mask { None } else { p.reason.clone() },
            true,
        ));
    }
    for p in &c.special_procedures {
        let extension = p.kind == SpecialKind::Extension && p.limit.is_some();
        let label = if extension {
            format!("延长审批（+{}）", p.limit.map(|l| l.value).unwrap_or(0))
        } else {
            match p.kind {
                SpecialKind::Extension => "延长审批（未定期限，暂停计时）",
                SpecialKind::Other => "特别程序（听证、检验、鉴定等）",
            }
            .to_string()
        };
        t.push(ev(
            if extension {
                "extension"
            } else {
                "special_procedure"
            },
            &label,
            ts(&p.started_at),
            p.ended_at.as_ref().map(ts),
            (!mask).then(|| p.reason.clone()),
            !extension,
        ));
    }
    if let Some(d) = &c.completion {
        t.push(ev(
            "completion",
            "办结",
            ts(&d.completed_at),
            None,
            Some(outcome(&d.outcome)),
            false,
        ));
    }
    if let Some(w) = &c.withdrawal {
        t.push(ev(
            "withdrawal",
            "撤回",
            ts(&w.withdrawn_at),
            None,
            if mask { None } else { w.reason.clone() },
            false,
        ));
    }
    t.sort_by_key(|e| e.at);
    t
}

/// The days from the acceptance day to max(D, today or the closure), holidays and pauses marked.
fn day_strip(
    cal: &Calendar,
    c: &Case,
    clock: Option<&CaseClockView>,
    today: NaiveDate,
    closed_at: Option<i64>,
) -> Vec<TimelineDay> {
    let Some(acc) = &c.acceptance else {
        return Vec::new();
    };
    let day = |t: i64| DateTime::from_timestamp(t, 0).map(|t| t.with_timezone(&cst()).date_naive());
    let start = acc.accepted_at.0.with_timezone(&cst()).date_naive();
    let end_now = closed_at.and_then(day).unwrap_or(today);
    let deadline = clock
        .and_then(|k| NaiveDate::parse_from_str(&k.deadline, "%Y-%m-%d").ok())
        .unwrap_or(start);
    let mut end = end_now.max(deadline);
    if (end - start).num_days() >= MAX_DAYS {
        end = start + Duration::days(MAX_DAYS - 1);
    }
    let pauses: Vec<(NaiveDate, NaiveDate)> = c
        .corrections
        .iter()
        .map(|p| (p.started_at, p.ended_at))
        .chain(
            c.special_procedures
                .iter()
                .filter(|p| !(p.kind == SpecialKind::Extension && p.limit.is_some()))
                .map(|p| (p.started_at, p.ended_at)),
        )
        .filter_map(|(s, e)| {
            let s = day(ts(&s))?;
            let e = e.and_then(|e| day(ts(&e))).unwrap_or(end_now.max(s));
            Some((s, e))
        })
        .collect();
    let mut out = Vec::new();
    let mut d = start;
    while d <= end {
        out.push(TimelineDay {
            date: d.to_string(),
            workday: cal.is_workday(d),
            holiday: cal.listed(d).map(|o| o.name.clone()),
            // Days [day(start), day(end)) are paused (docs/clock.md "Partial days").
            paused: pauses.iter().any(|(s, e)| *s <= d && d < *e),
        });
        d = match d.succ_opt() {
            Some(n) => n,
            None => break,
        };
    }
    out
}
