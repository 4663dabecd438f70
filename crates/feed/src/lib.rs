//! Feed client and sync engine: municipal feed -> local SQLite cache (docs/sync.md).
//!
//! - [`sync()`]: incremental, resumable sync until caught up; records and the cursor commit in
//!   the same transaction; duplicates and reordering are harmless; malformed records go to
//!   quarantine; transient errors are retried, permanent ones stop with a message.
//! - Integrity findings about the feed (Art. A9(2)(8), B4(5)): [`findings`].
//! - [`db_digest`]: the canonical case digest of the cache (same as the simulator's truth).
//!
//! Invariants (docs/architecture-notes/feed.md): every write goes through `Db::write`; the
//! cursor never moves without the records it covers; a lower `seq` never replaces a higher one.

mod apply;
mod checkpoint;
mod client;
pub mod db;
pub mod evaluate;
pub mod findings;
mod prepare;
mod sync;

pub use apply::Applied;
pub use client::{RetryNotice, RetryPolicy};
pub use evaluate::{case_clock, evaluate, next_change, EvalSummary};
pub use findings::{
    list_findings, scan_silent_departments, working_hours_between, Finding, FindingConfig,
    WorkCalendar,
};
pub use sync::{fetch_only, sync, Phase, ProgressFn, SyncOptions, SyncProgress, SyncReport};

use jiancha_protocol::{Case, CaseDigest, DigestResult};
use jiancha_store::Db;

/// Why a sync (or a query of the cache) failed.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The feed answered in a way retrying will not fix (401, 403, 404, 410, schema major …).
    #[error("同步停止 (feed refused): {0}")]
    Permanent(String),
    /// Transient errors went on for too long.
    #[error("同步失败 (feed unavailable): {what} failed {attempts} times; last error: {last}")]
    GaveUp {
        /// The request.
        what: String,
        /// Consecutive attempts.
        attempts: u32,
        /// The last error.
        last: String,
    },
    /// Bad options.
    #[error("配置错误: {0}")]
    Config(String),
    /// The local cache.
    #[error("本地数据库错误: {0}")]
    Store(#[from] jiancha_store::StoreError),
    /// An unexpected internal failure.
    #[error("internal error: {0}")]
    Internal(String),
    /// A stored payload that no longer parses (the cache was edited by hand?).
    #[error("stored case {case_id} does not parse: {reason}")]
    BadPayload {
        /// The case.
        case_id: String,
        /// Why.
        reason: String,
    },
}

impl From<jiancha_store::rusqlite::Error> for SyncError {
    fn from(e: jiancha_store::rusqlite::Error) -> Self {
        SyncError::Store(e.into())
    }
}

/// The canonical case digest over the latest version of every case in the cache
/// (`jiancha db digest`); equal to the simulator's for a faithful sync.
pub fn db_digest(db: &Db) -> Result<DigestResult, SyncError> {
    let mut st = db.conn().prepare(
        "SELECT c.case_id, v.payload FROM cases c JOIN case_versions v ON v.seq = c.seq",
    )?;
    let mut rows = st.query([])?;
    let mut digest = CaseDigest::new();
    while let Some(r) = rows.next()? {
        let payload: String = r.get(1)?;
        let case: Case = serde_json::from_str(&payload).map_err(|e| SyncError::BadPayload {
            case_id: r.get::<_, String>(0).unwrap_or_default(),
            reason: e.to_string(),
        })?;
        digest.add(&case);
    }
    Ok(digest.finish())
}
