//! The case screen (案件): facts, timeline, clock now, signal history, findings and the
//! versions they compare (issue 5 item 3; docs/queues.md).

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use jiancha_api::queues::{
    CaseClockView, CaseDetail, CaseFact, CaseVersionRow, SignalEvent, TimelineDay, TimelineEvent,
};
use jiancha_api::{ApiError, ErrorCode};
use jiancha_calendar::{cst, Calendar, ClockState, PauseKind};
use jiancha_feed::db;
use jiancha_protocol::{Case, SpecialKind, Timestamp};
use jiancha_store::Db;

use crate::error::{internal, invalid};
use crate::queues::{card_level, clock_input, finding_row, ClockInput};
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
/// A coded field's Chinese name (the code itself when unknown) and its code.
fn coded(code: &str, names: &[(&str, &str)]) -> (String, Option<String>) {
    let name = names
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, n)| n);
    (name.to_string(), Some(code.to_string()))
}

/// A plain (uncoded) value.
fn plain(v: String) -> (String, Option<String>) {
    (v, None)
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

fn outcome_code(o: &jiancha_protocol::Outcome) -> &'static str {
    match o {
        jiancha_protocol::Outcome::Approved => "approved",
        jiancha_protocol::Outcome::Conditional => "conditional",
        jiancha_protocol::Outcome::Rejected => "rejected",
    }
}

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
    let Some(ClockInput {
        case,
        closed_at,
        findings,
    }) = clock_input(db, case_id)?
    else {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            format!("办件不存在 / no case {case_id:?} in the cache"),
        ));
    };
    let findings: Vec<_> = findings.into_iter().map(finding_row).collect();
    let facts = facts(db, &case)?;
    let timeline = timeline(&case);
    let signals = db::case::signal_history(db.conn(), case_id)?
        .into_iter()
        .map(|(level, began_at)| SignalEvent {
            level: card_level(level),
            began_at,
        })
        .collect();
    let versions = db::case::versions(db.conn(), case_id)?
        .into_iter()
        .map(|v| CaseVersionRow {
            seq: v.seq,
            reported_at: v.reported_at,
            received_at: v.received_at,
            status: v.status,
            accepted_at: v.accepted_at,
            completed_at: v.completed_at,
            is_latest: v.is_latest,
        })
        .collect();
    let now_dt = at(now)?;
    let (clock, clock_error) = match jiancha_feed::case_clock(&case, closed_at) {
        None => (
            None,
            Some("未受理：时限未起算 / not accepted: no clock runs".to_string()),
        ),
        Some(cc) => {
            // The clock at `now` ignores events after it; a closed case is shown at its close.
            // The configured warning lead (Art. B5(1)), as the evaluator's.
            match jiancha_calendar::evaluate(cal, &cc, now_dt, &crate::settings::clock_config(db)?)
            {
                Ok(st) => (
                    Some(CaseClockView {
                        at: now,
                        deadline: st.deadline.to_string(),
                        signal: st.signal.as_str().to_string(),
                        // A closed case counts nothing down (Art. B5: it keeps the highest
                        // signal it reached, nothing more).
                        remaining_workdays: st.closed.is_none().then_some(st.remaining_workdays),
                        frozen: st.closed.is_none() && st.pause.is_some_and(|p| p.freezing),
                        closed_at: st.closed.map(|c| c.at.timestamp()),
                        pause_remaining_days: st.pause.and_then(|p| p.remaining_days),
                        pause_kind: st.pause.map(|p| {
                            match p.kind {
                                PauseKind::Correction => "correction",
                                PauseKind::Special => "special",
                            }
                            .to_string()
                        }),
                        pause_since: st.pause.map(|p| p.since.timestamp()),
                        warning_at: reached(&st, st.warning_at),
                        yellow_at: reached(&st, st.yellow_at),
                        red_at: reached(&st, st.red_at),
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

/// A signal instant of the clock as the case screen shows it: a closed case never reaches the
/// instants after its closure (Art. B5 decision: "a case completed before an instant never
/// reaches that signal"), so they are not shown as if they were to come.
fn reached(st: &ClockState, t: DateTime<FixedOffset>) -> Option<i64> {
    match st.closed {
        Some(c) if t > c.at => None,
        _ => Some(t.timestamp()),
    }
}

/// GB/T 39046 fields of the case (Art. A4: a classified case shows no applicant).
fn facts(db: &Db, c: &Case) -> Result<Vec<CaseFact>, ApiError> {
    let dept = db::departments::get(db.conn(), &c.department_id)?.map(|d| (d.name, d.region_name));
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
        ("case_no", "办件编号", plain(c.id.clone())),
        ("item_name", "事项名称", plain(c.item_name.clone())),
        ("item_code", "实施编码", plain(c.item_code.clone())),
        (
            "department",
            "实施机构",
            plain(
                dept.as_ref()
                    .map(|(n, r)| format!("{n}（{r}）"))
                    .unwrap_or_else(|| c.department_id.clone()),
            ),
        ),
        (
            "case_type",
            "办件类型",
            coded(&json_text(&c.case_type), CASE_TYPES),
        ),
        (
            "status",
            "办件状态",
            coded(&json_text(&c.status), CASE_STATUSES),
        ),
        ("region", "行政区划", plain(c.region_code.clone())),
        (
            "promised_limit",
            "承诺时限",
            // The unit (G working days, Z calendar days) as the code: the page words it.
            (
                limit(&c.promised_limit),
                Some(json_text(&c.promised_limit.unit)),
            ),
        ),
        (
            "statutory_limit",
            "法定时限",
            // The unit (G working days, Z calendar days) as the code: the page words it.
            (
                limit(&c.statutory_limit),
                Some(json_text(&c.statutory_limit.unit)),
            ),
        ),
        (
            "applied_at",
            "申请时间",
            plain(fmt_time(&c.application.applied_at)),
        ),
    ];
    if c.classified {
        f.push(("applicant", "申请人", plain("（涉密，不显示）".to_string())));
    } else {
        f.push((
            "applicant",
            "申请人",
            plain(c.application.applicant_name.clone()),
        ));
        f.push((
            "applicant_kind",
            "申请人类型",
            coded(&c.application.applicant_kind, APPLICANT_KINDS),
        ));
    }
    f.push(("source", "申请来源", coded(&c.application.source, SOURCES)));
    if let Some(a) = &c.acceptance {
        f.push(("accepted_at", "受理时间", plain(fmt_time(&a.accepted_at))));
        f.push(("accepted_by", "受理人", plain(a.accepted_by.clone())));
        f.push((
            "acceptance_doc",
            "受理文书编号",
            plain(a.document_no.clone()),
        ));
        if let Some(p) = &a.promised_at {
            f.push(("promised_at", "承诺办结时间", plain(fmt_time(p))));
        }
    }
    if let Some(d) = &c.completion {
        f.push(("completed_at", "办结时间", plain(fmt_time(&d.completed_at))));
        f.push(("completed_by", "办结人", plain(d.handler.clone())));
        f.push((
            "outcome",
            "办结结果",
            (outcome(&d.outcome), Some(outcome_code(&d.outcome).into())),
        ));
    }
    let secret = if c.classified {
        ("是", "yes")
    } else {
        ("否", "no")
    };
    f.push((
        "classified",
        "涉密",
        (secret.0.to_string(), Some(secret.1.to_string())),
    ));
    Ok(f.into_iter()
        .map(|(k, l, (v, code))| CaseFact {
            key: k.to_string(),
            label: l.to_string(),
            value: v,
            code,
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
        limit: None,
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
        let kind = match (extension, p.kind) {
            (true, _) => "extension",
            (false, SpecialKind::Extension) => "extension_open",
            (false, SpecialKind::Other) => "special_procedure",
        };
        let mut e = ev(
            kind,
            &label,
            ts(&p.started_at),
            p.ended_at.as_ref().map(ts),
            (!mask).then(|| p.reason.clone()),
            !extension,
        );
        e.limit = if extension {
            p.limit.map(|l| l.value)
        } else {
            None
        };
        t.push(e);
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
