//! The card queues (预警 / 黄牌 / 红牌, Art. B5) and the integrity findings queue
//! (Art. A9(2)(8), B4(5)): bounded pages over the cache, most urgent first (docs/queues.md).
//!
//! Every query is bounded: a page has at most [`MAX_LIMIT`] rows; counts are `count(*)`.
//! Urgency = time past the deadline: `case_signals.yellow_at` (00:00 after D) ascending, so
//! the longest-overdue card comes first and warnings are ordered by their deadline.

use chrono::NaiveDate;
use jiancha_api::queues::{
    CardLevel, CardPage, CardRow, DeptNode, FindingFilter, FindingPage, FindingRow, ItemOption,
    PageRequest, QueueCounts, QueueFilter, RegionNode,
};
use jiancha_api::ApiError;
use jiancha_calendar::{cst, Calendar};
use jiancha_store::rusqlite::{params, types::Value, OptionalExtension};
use jiancha_store::Db;

use crate::error::{internal, invalid};
use crate::Service;

/// The most rows one page may hold.
pub const MAX_LIMIT: u32 = 500;

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
    let mut db = svc.db()?;
    let cal = crate::calendar_store::load_calendar(&db).map_err(internal)?;
    refresh_search(&mut db)?;
    card_page_db(&db, &cal, filter, page, now)
}

/// Open cards per level under `filter` (its level ignored) and open findings.
pub fn queue_counts(svc: &Service, filter: &QueueFilter) -> Result<QueueCounts, ApiError> {
    // The data is sensitive: only a signed-in, unlocked user reads it (issue 7).
    crate::auth::require(svc, jiancha_workflow::auth::Action::View)?;
    let mut db = svc.db()?;
    refresh_search(&mut db)?;
    counts_db(&db, filter)
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
    let mut st = db
        .conn()
        .prepare_cached(
            "SELECT item_code, name, dept_id FROM items \
             WHERE ?1 IS NULL OR dept_id = ?1 ORDER BY dept_id, name LIMIT 5000",
        )
        .map_err(internal)?;
    let rows = st
        .query_map([dept_id], |r| {
            Ok(ItemOption {
                item_code: r.get(0)?,
                name: r.get(1)?,
                dept_id: r.get(2)?,
            })
        })
        .map_err(internal)?;
    rows.collect::<Result<_, _>>().map_err(internal)
}

/// Brings `queue_search` up to date with the cases changed since it was last refreshed
/// (via `cases_by_seq`): the handler/free-text filters then never parse payloads.
pub fn refresh_search(db: &mut Db) -> Result<u64, ApiError> {
    let indexed: i64 = db
        .conn()
        .query_row(
            "SELECT indexed_seq FROM queue_search_state WHERE id = 1",
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(internal)?
        .unwrap_or(0);
    let max_seq: i64 = db
        .conn()
        .query_row("SELECT coalesce(max(seq), 0) FROM cases", [], |r| r.get(0))
        .map_err(internal)?;
    if max_seq <= indexed {
        return Ok(0);
    }
    db.write(|tx| {
        let n = tx.execute(
            "INSERT INTO queue_search (case_id, case_seq, handlers, handler, applicant, text)
             SELECT case_id, seq, handlers, handler, applicant,
                    lower(case_id || ' ' || item_name || ' ' || coalesce(applicant, '') || ' '
                          || handlers)
               FROM (SELECT c.case_id, c.seq,
                            '|' || coalesce(json_extract(v.payload, '$.acceptance.accepted_by'), '')
                              || '|' || coalesce((SELECT group_concat(json_extract(s.value, '$.handler'), '|')
                                                    FROM json_each(v.payload, '$.steps') s), '')
                              || '|' AS handlers,
                            coalesce(json_extract(v.payload, '$.steps[#-1].handler'),
                                     json_extract(v.payload, '$.acceptance.accepted_by')) AS handler,
                            CASE WHEN c.classified THEN NULL
                                 ELSE json_extract(v.payload, '$.application.applicant_name') END
                              AS applicant,
                            coalesce(json_extract(v.payload, '$.item_name'), '') AS item_name
                       FROM cases c JOIN case_versions v ON v.seq = c.seq
                      WHERE c.seq > ?1 AND c.seq <= ?2 AND c.closed_at IS NULL
                        AND c.accepted_at IS NOT NULL)
              WHERE true
             ON CONFLICT (case_id) DO UPDATE SET case_seq = excluded.case_seq,
                handlers = excluded.handlers, handler = excluded.handler,
                applicant = excluded.applicant, text = excluded.text",
            params![indexed, max_seq],
        )?;
        tx.execute(
            "INSERT INTO queue_search_state (id, indexed_seq) VALUES (1, ?1) \
             ON CONFLICT (id) DO UPDATE SET indexed_seq = max(indexed_seq, excluded.indexed_seq)",
            [max_seq],
        )?;
        Ok::<_, jiancha_store::rusqlite::Error>(n as u64)
    })
    .map_err(internal)
}

/// The WHERE clause (after `s.open = 1`) and its parameters for a card filter.
struct Where {
    sql: String,
    params: Vec<Value>,
    /// Conditions on `queue_search` (handler, free text), AND-ed.
    search: Vec<String>,
}

impl Where {
    /// `(WITH clause, FROM clause)`. With handler/text conditions the matching case ids are
    /// materialized first (the handler index, or one pass over the narrow search table) and
    /// only they are looked up in `case_signals`; otherwise the queue indexes alone answer.
    /// (Left to itself the planner walked a level's whole index and looked every row up.)
    fn from(&self) -> (String, &'static str) {
        if self.search.is_empty() {
            (String::new(), "case_signals s")
        } else {
            (
                format!(
                    "WITH m AS MATERIALIZED (SELECT case_id FROM queue_search WHERE {})",
                    self.search.join(" AND ")
                ),
                "m CROSS JOIN case_signals s ON s.case_id = m.case_id",
            )
        }
    }
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

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Date range `[from, to]` (inclusive days, CST) as instants `[start, end)`.
fn date_range(
    from: &Option<String>,
    to: &Option<String>,
) -> Result<(Option<i64>, Option<i64>), ApiError> {
    let from = non_empty(from).map(|s| parse_day(s, "from")).transpose()?;
    let to = non_empty(to).map(|s| parse_day(s, "to")).transpose()?;
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

fn card_where(f: &QueueFilter, with_level: bool) -> Result<Where, ApiError> {
    let mut sql = String::from("s.open = 1 AND s.level > 0");
    let mut params: Vec<Value> = Vec::new();
    let mut search = Vec::new();
    if let (true, Some(level)) = (with_level, f.level) {
        params.push(Value::Integer(level.number()));
        sql += &format!(" AND s.level = ?{}", params.len());
    }
    if let Some(d) = non_empty(&f.dept_id) {
        params.push(Value::Text(d.to_string()));
        sql += &format!(" AND s.dept_id = ?{}", params.len());
    }
    if let Some(r) = non_empty(&f.region_code) {
        params.push(Value::Text(r.to_string()));
        sql += &format!(
            " AND s.dept_id IN (SELECT dept_id FROM departments WHERE region_code = ?{})",
            params.len()
        );
    }
    if let Some(i) = non_empty(&f.item_code) {
        params.push(Value::Text(i.to_string()));
        sql += &format!(" AND s.item_code = ?{}", params.len());
    }
    let (from, to) = date_range(&f.from, &f.to)?;
    if let Some(from) = from {
        params.push(Value::Integer(from));
        sql += &format!(" AND s.began_at >= ?{}", params.len());
    }
    if let Some(to) = to {
        params.push(Value::Integer(to));
        sql += &format!(" AND s.began_at < ?{}", params.len());
    }
    if let Some(h) = non_empty(&f.handler) {
        params.push(Value::Text(h.to_string()));
        search.push(format!("handler = ?{}", params.len()));
    }
    if let Some(t) = non_empty(&f.text) {
        if t.chars().count() > 100 {
            return Err(invalid(
                "搜索词过长 / search text longer than 100 characters",
            ));
        }
        params.push(Value::Text(t.to_lowercase()));
        search.push(format!("instr(text, ?{}) > 0", params.len()));
    }
    Ok(Where {
        sql,
        params,
        search,
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

fn level_of(n: i64) -> CardLevel {
    match n {
        1 => CardLevel::Warning,
        2 => CardLevel::Yellow,
        _ => CardLevel::Red,
    }
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
    let w = card_where(filter, true)?;
    let (with, from) = w.from();
    let total: i64 = db
        .conn()
        .prepare_cached(&format!(
            "{with} SELECT count(*) FROM {from} WHERE {}",
            w.sql
        ))
        .and_then(|mut st| {
            st.query_row(jiancha_store::rusqlite::params_from_iter(&w.params), |r| {
                r.get(0)
            })
        })
        .map_err(internal)?;
    let n = w.params.len();
    let sql = format!(
        "{with} SELECT s.case_id, s.level, s.dept_id, coalesce(d.name, s.dept_id),
                coalesce(d.region_name, ''), s.item_code, coalesce(i.name, s.item_code),
                q.applicant, q.handler, c.accepted_at, s.deadline, s.began_at, s.yellow_at,
                s.paused, s.classified, s.known
           FROM (SELECT s.rowid AS rid FROM {from} WHERE {}
                  ORDER BY s.yellow_at, s.rowid LIMIT ?{} OFFSET ?{}) p
           JOIN case_signals s ON s.rowid = p.rid
           JOIN cases c ON c.case_id = s.case_id
           LEFT JOIN queue_search q ON q.case_id = s.case_id
           LEFT JOIN departments d ON d.dept_id = s.dept_id
           LEFT JOIN items i ON i.item_code = s.item_code
          ORDER BY s.yellow_at, s.rowid",
        w.sql,
        n + 1,
        n + 2
    );
    let mut params = w.params;
    params.push(Value::Integer(i64::from(page.limit)));
    params.push(Value::Integer(i64::from(page.offset)));
    let today = chrono::DateTime::from_timestamp(now, 0)
        .map(|t| t.with_timezone(&cst()).date_naive())
        .ok_or_else(|| invalid(format!("bad instant {now}")))?;
    let mut st = db.conn().prepare_cached(&sql).map_err(internal)?;
    let rows = st
        .query_map(jiancha_store::rusqlite::params_from_iter(&params), |r| {
            let deadline: String = r.get(10)?;
            Ok(CardRow {
                case_id: r.get(0)?,
                level: level_of(r.get(1)?),
                dept_id: r.get(2)?,
                dept_name: r.get(3)?,
                region_name: r.get(4)?,
                item_code: r.get(5)?,
                item_name: r.get(6)?,
                applicant: r.get(7)?,
                handler: r.get(8)?,
                accepted_at: r.get::<_, Option<i64>>(9)?.unwrap_or(0),
                remaining_workdays: NaiveDate::parse_from_str(&deadline, "%Y-%m-%d")
                    .map(|d| cal.workdays_between(today, d))
                    .unwrap_or(0),
                deadline,
                began_at: r.get(11)?,
                yellow_at: r.get(12)?,
                paused: r.get(13)?,
                classified: r.get(14)?,
                known: r.get(15)?,
            })
        })
        .map_err(internal)?;
    let rows: Vec<CardRow> = rows.collect::<Result<_, _>>().map_err(internal)?;
    Ok(CardPage {
        rows,
        total: total as u64,
        now,
    })
}

/// Counts per level (the filter's level ignored) and open findings of the same departments.
pub fn counts_db(db: &Db, filter: &QueueFilter) -> Result<QueueCounts, ApiError> {
    let w = card_where(filter, false)?;
    let (with, from) = w.from();
    let mut out = QueueCounts::default();
    let mut st = db
        .conn()
        .prepare_cached(&format!(
            "{with} SELECT s.level, count(*) FROM {from} WHERE {} GROUP BY s.level",
            w.sql
        ))
        .map_err(internal)?;
    let mut rows = st
        .query(jiancha_store::rusqlite::params_from_iter(&w.params))
        .map_err(internal)?;
    while let Some(r) = rows.next().map_err(internal)? {
        let n = r.get::<_, i64>(1).map_err(internal)? as u64;
        match r.get::<_, i64>(0).map_err(internal)? {
            1 => out.warning = n,
            2 => out.yellow = n,
            _ => out.red = n,
        }
    }
    let ff = FindingFilter {
        region_code: filter.region_code.clone(),
        dept_id: filter.dept_id.clone(),
        ..FindingFilter::default()
    };
    let fw = finding_where(&ff)?;
    out.findings = db
        .conn()
        .query_row(
            &format!("SELECT count(*) FROM integrity_findings f WHERE {}", fw.sql),
            jiancha_store::rusqlite::params_from_iter(&fw.params),
            |r| r.get::<_, i64>(0),
        )
        .map_err(internal)? as u64;
    Ok(out)
}

fn finding_where(f: &FindingFilter) -> Result<Where, ApiError> {
    let mut sql = String::from("true");
    let mut params: Vec<Value> = Vec::new();
    if !f.include_resolved {
        sql += " AND f.resolved_at IS NULL";
    }
    if let Some(k) = non_empty(&f.kind) {
        const KINDS: [&str; 4] = [
            "silent_department",
            "late_report",
            "backdated",
            "impossible_sequence",
        ];
        if !KINDS.contains(&k) {
            return Err(invalid(format!(
                "未知的发现类型 / unknown finding kind {k:?}: one of {}",
                KINDS.join(", ")
            )));
        }
        params.push(Value::Text(k.to_string()));
        sql += &format!(" AND f.kind = ?{}", params.len());
    }
    if let Some(d) = non_empty(&f.dept_id) {
        params.push(Value::Text(d.to_string()));
        sql += &format!(" AND f.dept_id = ?{}", params.len());
    }
    if let Some(r) = non_empty(&f.region_code) {
        params.push(Value::Text(r.to_string()));
        sql += &format!(
            " AND f.dept_id IN (SELECT dept_id FROM departments WHERE region_code = ?{})",
            params.len()
        );
    }
    let (from, to) = date_range(&f.from, &f.to)?;
    if let Some(from) = from {
        params.push(Value::Integer(from));
        sql += &format!(" AND f.observed_at >= ?{}", params.len());
    }
    if let Some(to) = to {
        params.push(Value::Integer(to));
        sql += &format!(" AND f.observed_at < ?{}", params.len());
    }
    if let Some(t) = non_empty(&f.text) {
        params.push(Value::Text(t.to_lowercase()));
        sql += &format!(
            " AND instr(lower(f.summary || ' ' || coalesce(f.case_id, '')), ?{}) > 0",
            params.len()
        );
    }
    Ok(Where {
        sql,
        params,
        search: Vec::new(),
    })
}

pub(crate) fn finding_row(
    r: &jiancha_store::rusqlite::Row<'_>,
) -> jiancha_store::rusqlite::Result<FindingRow> {
    Ok(FindingRow {
        id: r.get(0)?,
        kind: r.get(1)?,
        dept_id: r.get(2)?,
        dept_name: r.get(3)?,
        case_id: r.get(4)?,
        observed_at: r.get(5)?,
        summary: r.get(6)?,
        evidence: r.get(7)?,
        resolved_at: r.get(8)?,
    })
}

pub(crate) const FINDING_COLUMNS: &str = "f.finding_id, f.kind, f.dept_id, \
    coalesce(d.name, f.dept_id), f.case_id, f.observed_at, f.summary, f.evidence, f.resolved_at";

/// A page of findings (newest first).
pub fn finding_page_db(
    db: &Db,
    filter: &FindingFilter,
    page: PageRequest,
) -> Result<FindingPage, ApiError> {
    check_page(page)?;
    let w = finding_where(filter)?;
    let total: i64 = db
        .conn()
        .query_row(
            &format!("SELECT count(*) FROM integrity_findings f WHERE {}", w.sql),
            jiancha_store::rusqlite::params_from_iter(&w.params),
            |r| r.get(0),
        )
        .map_err(internal)?;
    let n = w.params.len();
    let mut params = w.params;
    params.push(Value::Integer(i64::from(page.limit)));
    params.push(Value::Integer(i64::from(page.offset)));
    let mut st = db
        .conn()
        .prepare_cached(&format!(
            "SELECT {FINDING_COLUMNS} FROM integrity_findings f \
             LEFT JOIN departments d ON d.dept_id = f.dept_id WHERE {} \
             ORDER BY f.observed_at DESC, f.finding_id DESC LIMIT ?{} OFFSET ?{}",
            w.sql,
            n + 1,
            n + 2
        ))
        .map_err(internal)?;
    let rows = st
        .query_map(
            jiancha_store::rusqlite::params_from_iter(&params),
            finding_row,
        )
        .map_err(internal)?;
    Ok(FindingPage {
        rows: rows.collect::<Result<_, _>>().map_err(internal)?,
        total: total as u64,
    })
}

/// Regions (市本级 first, then counties by code) with their departments by name.
pub fn department_tree_db(db: &Db) -> Result<Vec<RegionNode>, ApiError> {
    let mut st = db
        .conn()
        .prepare_cached(
            "SELECT region_code, region_name, level, dept_id, name FROM departments \
             ORDER BY level <> 'city', region_code, name LIMIT 10000",
        )
        .map_err(internal)?;
    let mut rows = st.query([]).map_err(internal)?;
    let mut out: Vec<RegionNode> = Vec::new();
    while let Some(r) = rows.next().map_err(internal)? {
        let code: String = r.get(0).map_err(internal)?;
        let dept = DeptNode {
            dept_id: r.get(3).map_err(internal)?,
            name: r.get(4).map_err(internal)?,
        };
        match out.last_mut() {
            Some(n) if n.region_code == code => n.departments.push(dept),
            _ => out.push(RegionNode {
                region_code: code,
                region_name: r.get(1).map_err(internal)?,
                level: r.get(2).map_err(internal)?,
                departments: vec![dept],
            }),
        }
    }
    Ok(out)
}
