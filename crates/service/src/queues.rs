//! The card queues (预警 / 黄牌 / 红牌, Art. B5) and the integrity findings queue
//! (Art. A9(2)(8), B4(5)): bounded pages over the cache, most urgent first (docs/queues.md).
//!
//! This module validates the request (page size, dates, kinds) and maps the feed's rows to
//! the IPC types; the queries are the feed's (`jiancha_feed::db::{queue, findings,
//! departments}`). Reads only: the search words the handler and text filters use are kept
//! current by the evaluator, never by a read.

use chrono::NaiveDate;
use jiancha_api::queues::{
    CardLevel, CardPage, CardRow, DeptNode, FindingFilter, FindingPage, FindingRow, ItemOption,
    PageRequest, QueueCounts, QueueFilter, RegionNode, RowClock,
};
use jiancha_api::ApiError;
use jiancha_calendar::{cst, Calendar, ClockState, Level};
use jiancha_feed::db::{self, findings::FindingQuery, queue::CardQuery};
use jiancha_protocol::{Case, Timestamp};
use jiancha_store::Db;

use crate::error::invalid;
use crate::Service;

/// The most rows one page may hold.
pub const MAX_LIMIT: u32 = db::MAX_PAGE_ROWS;

/// "Now" for the queues, the case clock and the dashboard: the feed's clock as the live loop
/// extrapolates it (the demo feed runs at 600×, and the signals were evaluated on its time),
/// else the wall clock (this is the edge: the instant is passed down from here).
pub fn now(svc: &Service) -> i64 {
    svc.clock().now()
}

/// A page of a card queue at instant `now` (Unix seconds).
pub fn card_page(
    svc: &Service,
    filter: &QueueFilter,
    page: PageRequest,
    now: i64,
) -> Result<CardPage, ApiError> {
    // The data is sensitive: only a signed-in, unlocked user reads it (issue 7).
    crate::auth::require(svc, jiancha_workflow::auth::Action::View)?;
    let db = svc.db()?;
    let cal = crate::calendar_store::load_calendar(&db).map_err(crate::error::internal)?;
    card_page_db(&db, &cal, filter, page, now)
}

/// Open cards per level under `filter` (its level ignored) and open findings.
pub fn queue_counts(svc: &Service, filter: &QueueFilter) -> Result<QueueCounts, ApiError> {
    // The data is sensitive: only a signed-in, unlocked user reads it (issue 7).
    crate::auth::require(svc, jiancha_workflow::auth::Action::View)?;
    counts_db(&svc.db()?, filter)
}

/// A page of the findings queue, newest first.
pub fn finding_page(
    svc: &Service,
    filter: &FindingFilter,
    page: PageRequest,
) -> Result<FindingPage, ApiError> {
    // The data is sensitive: only a signed-in, unlocked user reads it (issue 7).
    crate::auth::require(svc, jiancha_workflow::auth::Action::View)?;
    finding_page_db(&svc.db()?, filter, page)
}

/// The department tree of the filter: 市本级 first, then the counties.
pub fn department_tree(svc: &Service) -> Result<Vec<RegionNode>, ApiError> {
    // The data is sensitive: only a signed-in, unlocked user reads it (issue 7).
    crate::auth::require(svc, jiancha_workflow::auth::Action::View)?;
    department_tree_db(&svc.db()?)
}

/// The items of the catalogue (of one department when given), for the filter.
pub fn item_options(svc: &Service, dept_id: Option<String>) -> Result<Vec<ItemOption>, ApiError> {
    // The data is sensitive: only a signed-in, unlocked user reads it (issue 7).
    crate::auth::require(svc, jiancha_workflow::auth::Action::View)?;
    let db = svc.db()?;
    Ok(db::departments::items(db.conn(), dept_id.as_deref())?
        .into_iter()
        .map(|i| ItemOption {
            item_code: i.item_code,
            name: i.name,
            dept_id: i.dept_id,
        })
        .collect())
}

fn parse_day(s: &str, what: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        invalid(format!(
            "日期格式错误 / bad {what} date {s:?}: expected YYYY-MM-DD"
        ))
    })
}

fn day_start(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_local_timezone(cst())
        .single()
        .expect("CST has no gaps")
        .timestamp()
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Date range `[from, to]` (inclusive days, CST) as instants `[start, end)`.
fn date_range(
    from: &Option<String>,
    to: &Option<String>,
) -> Result<(Option<i64>, Option<i64>), ApiError> {
    let from = non_empty(from).map(|s| parse_day(&s, "from")).transpose()?;
    let to = non_empty(to).map(|s| parse_day(&s, "to")).transpose()?;
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            return Err(invalid(format!(
                "日期范围颠倒 / date range reversed: {f} is after {t}"
            )));
        }
    }
    Ok((
        from.map(day_start),
        to.map(|t| day_start(t.succ_opt().unwrap_or(t))),
    ))
}

fn level(l: CardLevel) -> Level {
    match l {
        CardLevel::Warning => Level::Warning,
        CardLevel::Yellow => Level::Yellow,
        CardLevel::Red => Level::Red,
    }
}

pub(crate) fn card_level(l: Level) -> CardLevel {
    match l {
        Level::Warning => CardLevel::Warning,
        Level::Yellow => CardLevel::Yellow,
        Level::Red | Level::Normal => CardLevel::Red,
    }
}

/// The feed's query for a card filter (validated: dates, search text length).
fn card_query(f: &QueueFilter) -> Result<CardQuery, ApiError> {
    let (began_from, began_before) = date_range(&f.from, &f.to)?;
    let text = non_empty(&f.text);
    if text.as_ref().is_some_and(|t| t.chars().count() > 100) {
        return Err(invalid(
            "搜索词过长 / search text longer than 100 characters",
        ));
    }
    Ok(CardQuery {
        level: f.level.map(level),
        dept_id: non_empty(&f.dept_id),
        region_code: non_empty(&f.region_code),
        item_code: non_empty(&f.item_code),
        began_from,
        began_before,
        handler: non_empty(&f.handler),
        text,
    })
}

fn check_page(page: PageRequest) -> Result<(), ApiError> {
    if page.limit == 0 || page.limit > MAX_LIMIT {
        return Err(invalid(format!(
            "每页行数须在 1–{MAX_LIMIT} 之间 / page limit {} must be 1..={MAX_LIMIT}",
            page.limit
        )));
    }
    Ok(())
}

/// A page of cards (the database-level function the benchmark and tests call).
pub fn card_page_db(
    db: &Db,
    cal: &Calendar,
    filter: &QueueFilter,
    page: PageRequest,
    now: i64,
) -> Result<CardPage, ApiError> {
    check_page(page)?;
    let q = card_query(filter)?;
    let today = chrono::DateTime::from_timestamp(now, 0)
        .map(|t| t.with_timezone(&cst()).date_naive())
        .ok_or_else(|| invalid(format!("bad instant {now}")))?;
    let p = db::queue::card_page(db.conn(), &q, page.limit, page.offset)?;
    let rows = p
        .rows
        .into_iter()
        .map(|r| card_row(db, cal, r, today, now))
        .collect::<Result<_, _>>()?;
    Ok(CardPage {
        rows,
        total: p.total,
        now,
    })
}

/// Where a card's clock stands at `now`: what its countdown columns show.
struct RowTime {
    clock: RowClock,
    deadline: String,
    remaining_workdays: Option<i64>,
    frozen_workdays: Option<i64>,
    /// 00:00 after D, for the 超期 column.
    yellow_at: i64,
}

/// A running case's deadline stands still between evaluations, so its countdown is recomputed
/// from the stored deadline and today (O(1)). A paused case's does not: while the clock is
/// stopped its D moves day by day and its signal instants with it (Licensing Law Art. 45,
/// Art. B16), so a countdown from the stored D ran on ("超期 1.0 天 / 剩余 -2" for a case whose
/// budget was frozen). Its row is read from the clock at `now` instead: the frozen budget while
/// the pause holds, a countdown again once a capped pause ran out, nothing once closed.
fn row_time(
    db: &Db,
    cal: &Calendar,
    r: &db::queue::CardRow,
    today: NaiveDate,
    now: i64,
) -> Result<RowTime, ApiError> {
    let running = |deadline: String, yellow_at: i64| RowTime {
        clock: RowClock::Running,
        remaining_workdays: NaiveDate::parse_from_str(&deadline, "%Y-%m-%d")
            .ok()
            .map(|d| cal.workdays_between(today, d)),
        frozen_workdays: None,
        deadline,
        yellow_at,
    };
    if !r.paused {
        return Ok(running(r.deadline.clone(), r.yellow_at));
    }
    let Some(st) = clock_now(db, cal, &r.case_id, now)? else {
        // The evaluator classified it, so the clock reads it; should that change, a paused
        // row still shows no countdown.
        return Ok(RowTime {
            clock: RowClock::Paused,
            deadline: r.deadline.clone(),
            remaining_workdays: None,
            frozen_workdays: None,
            yellow_at: r.yellow_at,
        });
    };
    let deadline = st.deadline.to_string();
    Ok(if st.closed.is_some() {
        RowTime {
            clock: RowClock::Done,
            deadline,
            remaining_workdays: None,
            frozen_workdays: None,
            yellow_at: st.yellow_at.timestamp(),
        }
    } else if st.pause.is_some_and(|p| p.freezing) {
        RowTime {
            clock: RowClock::Paused,
            deadline,
            remaining_workdays: None,
            frozen_workdays: Some(st.remaining_workdays),
            yellow_at: st.yellow_at.timestamp(),
        }
    } else {
        running(deadline, st.yellow_at.timestamp())
    })
}

fn card_row(
    db: &Db,
    cal: &Calendar,
    r: db::queue::CardRow,
    today: NaiveDate,
    now: i64,
) -> Result<CardRow, ApiError> {
    let t = row_time(db, cal, &r, today, now)?;
    let overdue_secs =
        (t.clock == RowClock::Running && now >= t.yellow_at).then(|| now - t.yellow_at);
    Ok(CardRow {
        case_id: r.case_id,
        level: card_level(r.level),
        dept_id: r.dept_id,
        dept_name: r.dept_name,
        region_name: r.region_name,
        item_code: r.item_code,
        item_name: r.item_name,
        applicant: r.applicant,
        handler: r.handler,
        accepted_at: r.accepted_at.unwrap_or(0),
        deadline: t.deadline,
        clock: t.clock,
        remaining_workdays: t.remaining_workdays,
        frozen_workdays: t.frozen_workdays,
        overdue_secs,
        began_at: r.began_at,
        // The order key stays the stored one: the page is ordered by it.
        yellow_at: r.yellow_at,
        classified: r.classified,
        known: r.known,
    })
}

// ---- the clock of one case, as the evaluator reads it (queue rows and the case screen) ----

/// The clock of `case_id` at `now`, read as the evaluator reads the case (a backdated case runs
/// on its instants as first reported, Art. A9(2)(8)), with the default clock settings. `None`
/// when the cache does not hold the case, it was never accepted, or the clock cannot read it.
pub(crate) fn clock_now(
    db: &Db,
    cal: &Calendar,
    case_id: &str,
    now: i64,
) -> Result<Option<ClockState>, ApiError> {
    let Some(ClockInput {
        case, closed_at, ..
    }) = clock_input(db, case_id)?
    else {
        return Ok(None);
    };
    let Some(cc) = jiancha_feed::case_clock(&case, closed_at) else {
        return Ok(None);
    };
    let at = chrono::DateTime::from_timestamp(now, 0)
        .map(|t| t.with_timezone(&cst()))
        .ok_or_else(|| invalid(format!("bad instant {now}")))?;
    let cfg = crate::settings::clock_config(db)?;
    Ok(jiancha_calendar::evaluate(cal, &cc, at, &cfg).ok())
}

/// A case as the clock reads it.
pub(crate) struct ClockInput {
    pub case: Case,
    /// The stored closure.
    pub closed_at: Option<i64>,
    pub findings: Vec<db::findings::FindingRow>,
}

/// The current version of `case_id` as the clock reads it, its closure and its findings.
/// Art. A9(2)(8) decision (as the evaluator): a backdated case runs on the instants as first
/// reported, so the case screen and the queue rows show the clock the queues were sorted by.
pub(crate) fn clock_input(db: &Db, case_id: &str) -> Result<Option<ClockInput>, ApiError> {
    let Some(db::case::CurrentCase {
        mut case,
        closed_at,
    }) = db::case::current(db.conn(), case_id)?
    else {
        return Ok(None);
    };
    let findings = db::findings::of_case(db.conn(), case_id)?;
    if findings.iter().any(|f| f.kind == "backdated") {
        first_reported_times(db, &mut case)?;
    }
    Ok(Some(ClockInput {
        case,
        closed_at,
        findings,
    }))
}

fn first_reported_times(db: &Db, case: &mut Case) -> Result<(), ApiError> {
    let (acc, done) = db::case::first_reported(db.conn(), &case.id)?;
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

/// Counts per level (the filter's level ignored) and open findings of the same departments.
pub fn counts_db(db: &Db, filter: &QueueFilter) -> Result<QueueCounts, ApiError> {
    let q = card_query(filter)?;
    let c = db::queue::counts(db.conn(), &q)?;
    let findings = db::findings::count(
        db.conn(),
        &FindingQuery {
            dept_id: q.dept_id,
            region_code: q.region_code,
            ..FindingQuery::default()
        },
    )?;
    Ok(QueueCounts {
        warning: c.warning,
        yellow: c.yellow,
        red: c.red,
        findings,
    })
}

fn finding_query(f: &FindingFilter) -> Result<FindingQuery, ApiError> {
    let kind = non_empty(&f.kind);
    if let Some(k) = &kind {
        let kinds = db::findings::KINDS;
        if !kinds.contains(&k.as_str()) {
            return Err(invalid(format!(
                "未知的发现类型 / unknown finding kind {k:?}: one of {}",
                kinds.join(", ")
            )));
        }
    }
    let (observed_from, observed_before) = date_range(&f.from, &f.to)?;
    Ok(FindingQuery {
        include_resolved: f.include_resolved,
        kind,
        dept_id: non_empty(&f.dept_id),
        region_code: non_empty(&f.region_code),
        observed_from,
        observed_before,
        text: non_empty(&f.text),
    })
}

pub(crate) fn finding_row(r: db::findings::FindingRow) -> FindingRow {
    FindingRow {
        id: r.id,
        kind: r.kind,
        dept_id: r.dept_id,
        dept_name: r.dept_name,
        case_id: r.case_id,
        observed_at: r.observed_at,
        summary: r.summary,
        evidence: r.evidence,
        resolved_at: r.resolved_at,
    }
}

/// A page of findings (newest first).
pub fn finding_page_db(
    db: &Db,
    filter: &FindingFilter,
    page: PageRequest,
) -> Result<FindingPage, ApiError> {
    check_page(page)?;
    let q = finding_query(filter)?;
    let p = db::findings::page(db.conn(), &q, page.limit, page.offset)?;
    Ok(FindingPage {
        rows: p.rows.into_iter().map(finding_row).collect(),
        total: p.total,
    })
}

/// Regions (市本级 first, then counties by code) with their departments by name.
pub fn department_tree_db(db: &Db) -> Result<Vec<RegionNode>, ApiError> {
    let mut out: Vec<RegionNode> = Vec::new();
    for d in db::departments::tree_order(db.conn())? {
        let dept = DeptNode {
            dept_id: d.dept_id,
            name: d.name,
        };
        match out.last_mut() {
            Some(n) if n.region_code == d.region_code => n.departments.push(dept),
            _ => out.push(RegionNode {
                region_code: d.region_code,
                region_name: d.region_name,
                level: d.level,
                departments: vec![dept],
            }),
        }
    }
    Ok(out)
}
