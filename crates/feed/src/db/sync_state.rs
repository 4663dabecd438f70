//! Where the sync stands, for the 同步 screen and the status bar: each department's last data
//! and last error (`dept_status`), the quarantine of malformed records, and the counts of the
//! cache. The sync writes them (`crate::apply`, `crate::sync`).

use jiancha_store::rusqlite::{params, Connection, OptionalExtension, Row};

use crate::db::{count, level_counts, LevelCounts};
use crate::error::SyncError;

/// A department's sync status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeptSync {
    /// 部门编码.
    pub dept_id: String,
    /// Name.
    pub name: String,
    /// Latest 上报时间 among its records.
    pub last_data_at: Option<i64>,
    /// This console's clock when its last record arrived.
    pub last_received_at: Option<i64>,
    /// Records stored.
    pub records: u64,
    /// Records quarantined.
    pub quarantined: u64,
    /// Its last error.
    pub last_error: Option<String>,
    /// When.
    pub last_error_at: Option<i64>,
    /// Unresolved integrity findings about it.
    pub findings: u64,
}

/// Every department of the catalogue (at most `limit`), those with an error first.
pub fn departments(conn: &Connection, limit: u32) -> Result<Vec<DeptSync>, SyncError> {
    let mut st = conn.prepare_cached(
        "SELECT d.dept_id, d.name, s.last_data_at, s.last_received_at, \
         coalesce(s.records, 0), coalesce(s.quarantined, 0), s.last_error, s.last_error_at, \
         (SELECT count(*) FROM integrity_findings f \
           WHERE f.dept_id = d.dept_id AND f.resolved_at IS NULL) \
         FROM departments d LEFT JOIN dept_status s USING (dept_id) \
         ORDER BY s.last_error_at IS NULL, d.level DESC, d.dept_id LIMIT ?1",
    )?;
    let rows = st.query_map([i64::from(limit)], |r| {
        Ok(DeptSync {
            dept_id: r.get(0)?,
            name: r.get(1)?,
            last_data_at: r.get(2)?,
            last_received_at: r.get(3)?,
            records: r.get::<_, i64>(4)? as u64,
            quarantined: r.get::<_, i64>(5)? as u64,
            last_error: r.get(6)?,
            last_error_at: r.get(7)?,
            findings: r.get::<_, i64>(8)? as u64,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A quarantined record, without its raw text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quarantined {
    /// Row id.
    pub id: i64,
    /// The record's seq, when it could be read.
    pub seq: Option<i64>,
    /// The record's type, when it could be read.
    pub record_type: Option<String>,
    /// The record's id, when it could be read.
    pub record_id: Option<String>,
    /// Its department, best effort.
    pub dept_id: Option<String>,
    /// Why it was refused.
    pub reason: String,
    /// This console's clock when received.
    pub received_at: i64,
}

const COLUMNS: &str = "quarantine_id, seq, record_type, record_id, dept_id, reason, received_at";

fn quarantined(r: &Row<'_>) -> jiancha_store::rusqlite::Result<Quarantined> {
    Ok(Quarantined {
        id: r.get(0)?,
        seq: r.get(1)?,
        record_type: r.get(2)?,
        record_id: r.get(3)?,
        dept_id: r.get(4)?,
        reason: r.get(5)?,
        received_at: r.get(6)?,
    })
}

/// Records in quarantine.
pub fn quarantine_count(conn: &Connection) -> Result<u64, SyncError> {
    count(conn, "SELECT count(*) FROM quarantine")
}

/// A page of the quarantine, newest first: `limit` rows (at most 500) from `offset`.
pub fn quarantine_page(
    conn: &Connection,
    limit: u32,
    offset: u64,
) -> Result<Vec<Quarantined>, SyncError> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM quarantine ORDER BY quarantine_id DESC LIMIT ?1 OFFSET ?2"
    ))?;
    let rows = st.query_map(
        params![
            i64::from(limit.min(crate::db::MAX_PAGE_ROWS)),
            offset as i64
        ],
        quarantined,
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One quarantined record with its raw text as received, `None` when there is no such id.
pub fn quarantine_record(
    conn: &Connection,
    id: i64,
) -> Result<Option<(Quarantined, String)>, SyncError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS}, raw FROM quarantine WHERE quarantine_id = ?1"
        ))?
        .query_row([id], |r| Ok((quarantined(r)?, r.get(7)?)))
        .optional()?)
}

/// The counts of the status bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheCounts {
    /// Cases in the cache.
    pub cases: u64,
    /// Records in quarantine.
    pub quarantined: u64,
    /// Unresolved integrity findings.
    pub findings: u64,
    /// Open cards per level.
    pub open: LevelCounts,
    /// The instant of the last evaluation.
    pub evaluated_at: Option<i64>,
}

/// The counts of the status bar, from the cache.
pub fn cache_counts(conn: &Connection) -> Result<CacheCounts, SyncError> {
    Ok(CacheCounts {
        cases: crate::db::case::count(conn)?,
        quarantined: quarantine_count(conn)?,
        findings: count(
            conn,
            "SELECT count(*) FROM integrity_findings WHERE resolved_at IS NULL",
        )?,
        open: level_counts(
            conn,
            "SELECT level, count(*) FROM case_signals WHERE open = 1 AND level > 0 GROUP BY level",
            [],
        )?,
        evaluated_at: crate::db::evaluation::evaluated_at(conn)?,
    })
}

/// Rows of the main cache tables (`jiancha db check`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableCounts {
    /// `cases`.
    pub cases: u64,
    /// `case_versions`.
    pub case_versions: u64,
    /// `quarantine`.
    pub quarantined: u64,
    /// `integrity_findings` (resolved too).
    pub findings: u64,
    /// `deferred_indexes` (non-zero only while a cold load is unfinished).
    pub deferred_indexes: u64,
}

/// Rows of the main cache tables.
pub fn table_counts(conn: &Connection) -> Result<TableCounts, SyncError> {
    Ok(TableCounts {
        cases: crate::db::case::count(conn)?,
        case_versions: count(conn, "SELECT count(*) FROM case_versions")?,
        quarantined: quarantine_count(conn)?,
        findings: count(conn, "SELECT count(*) FROM integrity_findings")?,
        deferred_indexes: count(conn, "SELECT count(*) FROM deferred_indexes")?,
    })
}
