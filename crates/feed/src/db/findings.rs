//! Reads of `integrity_findings` (Art. A9(2)(8), B4(5)) with the departments' names: the
//! findings queue (newest first), its counts, a case's findings. The sync writes them
//! (`crate::apply`, `crate::findings::scan_silent_departments`).

use jiancha_store::rusqlite::{params_from_iter, types::Value, Connection, Row};

use crate::db::MAX_PAGE_ROWS;
use crate::error::SyncError;

/// The kinds of finding the sync raises (the table's CHECK).
pub const KINDS: [&str; 6] = [
    "silent_department",
    "late_report",
    "backdated",
    "impossible_sequence",
    // Raised by the evaluator from the clock (`crate::evaluate`, issue 13 item 2).
    "extension_after_deadline",
    "cap_overrun",
];

/// What the findings queue shows. Empty strings are the caller's to drop.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindingQuery {
    /// Resolved findings too (a silent department that spoke again).
    pub include_resolved: bool,
    /// One of [`KINDS`].
    pub kind: Option<String>,
    /// 部门编码.
    pub dept_id: Option<String>,
    /// 行政区划 of the department.
    pub region_code: Option<String>,
    /// Observed at or after this instant (Unix seconds) …
    pub observed_from: Option<i64>,
    /// … and before this one.
    pub observed_before: Option<i64>,
    /// A substring of the summary or the case id, any case.
    pub text: Option<String>,
}

/// One finding with its department's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingRow {
    /// Row id.
    pub id: i64,
    /// One of [`KINDS`].
    pub kind: String,
    /// 部门编码.
    pub dept_id: String,
    /// Its name (its code when not in the catalogue).
    pub dept_name: String,
    /// The case concerned, if any.
    pub case_id: Option<String>,
    /// Feed time the fact was established.
    pub observed_at: i64,
    /// One line (Chinese).
    pub summary: String,
    /// JSON: the versions / instants compared.
    pub evidence: String,
    /// When it stopped being true.
    pub resolved_at: Option<i64>,
}

/// A page of findings and the total under the same filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingPage {
    /// At most the limit asked for.
    pub rows: Vec<FindingRow>,
    /// Findings matching the filter.
    pub total: u64,
}

const COLUMNS: &str = "f.finding_id, f.kind, f.dept_id, coalesce(d.name, f.dept_id), f.case_id, \
    f.observed_at, f.summary, f.evidence, f.resolved_at";

fn row(r: &Row<'_>) -> jiancha_store::rusqlite::Result<FindingRow> {
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

fn where_of(q: &FindingQuery) -> (String, Vec<Value>) {
    let mut sql = String::from("true");
    let mut params: Vec<Value> = Vec::new();
    let mut push = |v: Value| {
        params.push(v);
        params.len()
    };
    if !q.include_resolved {
        sql += " AND f.resolved_at IS NULL";
    }
    if let Some(k) = &q.kind {
        sql += &format!(" AND f.kind = ?{}", push(Value::Text(k.clone())));
    }
    if let Some(d) = &q.dept_id {
        sql += &format!(" AND f.dept_id = ?{}", push(Value::Text(d.clone())));
    }
    if let Some(r) = &q.region_code {
        sql += &format!(
            " AND f.dept_id IN (SELECT dept_id FROM departments WHERE region_code = ?{})",
            push(Value::Text(r.clone()))
        );
    }
    if let Some(from) = q.observed_from {
        sql += &format!(" AND f.observed_at >= ?{}", push(Value::Integer(from)));
    }
    if let Some(to) = q.observed_before {
        sql += &format!(" AND f.observed_at < ?{}", push(Value::Integer(to)));
    }
    if let Some(t) = &q.text {
        sql += &format!(
            " AND instr(lower(f.summary || ' ' || coalesce(f.case_id, '')), ?{}) > 0",
            push(Value::Text(t.to_lowercase()))
        );
    }
    (sql, params)
}

/// Findings matching `q`.
pub fn count(conn: &Connection, q: &FindingQuery) -> Result<u64, SyncError> {
    let (sql, params) = where_of(q);
    let n: i64 = conn
        .prepare_cached(&format!(
            "SELECT count(*) FROM integrity_findings f WHERE {sql}"
        ))?
        .query_row(params_from_iter(&params), |r| r.get(0))?;
    Ok(n as u64)
}

/// A page of findings matching `q`, newest first: `limit` rows (clamped to
/// [`MAX_PAGE_ROWS`]) from `offset`.
pub fn page(
    conn: &Connection,
    q: &FindingQuery,
    limit: u32,
    offset: u32,
) -> Result<FindingPage, SyncError> {
    let total = count(conn, q)?;
    let (sql, mut params) = where_of(q);
    let n = params.len();
    params.push(Value::Integer(i64::from(limit.min(MAX_PAGE_ROWS))));
    params.push(Value::Integer(i64::from(offset)));
    let mut st = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM integrity_findings f \
         LEFT JOIN departments d ON d.dept_id = f.dept_id WHERE {sql} \
         ORDER BY f.observed_at DESC, f.finding_id DESC LIMIT ?{} OFFSET ?{}",
        n + 1,
        n + 2
    ))?;
    let rows = st.query_map(params_from_iter(&params), row)?;
    Ok(FindingPage {
        rows: rows.collect::<Result<_, _>>()?,
        total,
    })
}

/// The findings about one case, oldest first (at most 200).
pub fn of_case(conn: &Connection, case_id: &str) -> Result<Vec<FindingRow>, SyncError> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM integrity_findings f \
         LEFT JOIN departments d ON d.dept_id = f.dept_id \
         WHERE f.case_id = ?1 ORDER BY f.observed_at, f.finding_id LIMIT 200"
    ))?;
    let rows = st.query_map([case_id], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Findings observed in `[from, to]` (Unix seconds, both inclusive), resolved or not.
pub fn observed_between(conn: &Connection, from: i64, to: i64) -> Result<u64, SyncError> {
    let n: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM integrity_findings WHERE observed_at >= ?1 AND observed_at <= ?2",
        )?
        .query_row([from, to], |r| r.get(0))?;
    Ok(n as u64)
}
