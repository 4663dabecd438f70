//! Every query of the cache tables, which this crate owns (docs/architecture-notes/feed.md):
//! `departments`, `items`, `cases`, `case_versions` (+ the `case_current` view), `evaluations`,
//! `complaints`, `sync_cursor`, `quarantine`, `dept_status`, `integrity_findings`,
//! `deferred_indexes`, `case_signals`, `signals`, `evaluation_state`, `queue_search`,
//! `queue_search_state`. One module per table or aggregate: a row type, a read API over
//! `&Connection` (callers pass `db.conn()`; any connection works, a read-only one too), and,
//! where others may write, a write API over the write transaction or `&mut Db`.
//!
//! The sync's and the evaluator's own write paths (`apply.rs`, `sync.rs`, `evaluate.rs`,
//! `findings.rs`, `checkpoint.rs`) keep their statements beside the logic they serve.
//!
//! Every read is bounded: pages have at most [`MAX_PAGE_ROWS`] rows, lists carry a guard
//! `LIMIT`, counts are `count(*)`.

pub mod case;
pub mod departments;
pub mod evaluation;
pub mod findings;
pub mod notice_candidates;
pub mod queue;
pub mod search;
pub mod sync_state;

/// The most rows one page may hold (a larger limit is clamped; the service refuses it first
/// with a message).
pub const MAX_PAGE_ROWS: u32 = 500;

/// Open cards per level (预警 / 黄牌 / 红牌).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LevelCounts {
    /// 预警提示.
    pub warning: u64,
    /// 黄牌.
    pub yellow: u64,
    /// 红牌.
    pub red: u64,
}

impl LevelCounts {
    /// Adds `n` to the count of stored level `level` (1, 2, 3; above is red).
    pub(crate) fn add(&mut self, level: i64, n: u64) {
        match level {
            1 => self.warning += n,
            2 => self.yellow += n,
            _ => self.red += n,
        }
    }

    /// All three.
    pub fn total(&self) -> u64 {
        self.warning + self.yellow + self.red
    }
}

/// Rows of the `(level, count(*))` groups of `sql` (levels 0 are skipped: not a card).
pub(crate) fn level_counts(
    conn: &jiancha_store::rusqlite::Connection,
    sql: &str,
    params: impl jiancha_store::rusqlite::Params,
) -> Result<LevelCounts, crate::error::SyncError> {
    let mut out = LevelCounts::default();
    let mut st = conn.prepare_cached(sql)?;
    let mut rows = st.query(params)?;
    while let Some(r) = rows.next()? {
        let level: i64 = r.get(0)?;
        if level > 0 {
            out.add(level, r.get::<_, i64>(1)? as u64);
        }
    }
    Ok(out)
}

/// `count(*)` of a query without parameters.
pub(crate) fn count(
    conn: &jiancha_store::rusqlite::Connection,
    sql: &str,
) -> Result<u64, crate::error::SyncError> {
    Ok(conn
        .prepare_cached(sql)?
        .query_row([], |r| r.get::<_, i64>(0))? as u64)
}
