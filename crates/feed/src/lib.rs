//! Feed client and sync engine: municipal feed -> local SQLite cache (docs/sync.md).
//!
//! - [`sync()`]: incremental, resumable sync until caught up; records and the cursor commit in
//!   the same transaction; duplicates and reordering are harmless; malformed records go to
//!   quarantine; transient errors are retried, permanent ones stop with a message.
//! - Integrity findings about the feed (Art. A9(2)(8), B4(5)): [`findings`].
//! - [`db_digest`]: the canonical case digest of the cache (same as the simulator's truth).
//! - [`db`]: every query of the cache tables by the rest of the workspace (queue pages and
//!   counts, findings pages, case facts and versions, the catalogue, the sync's state, the
//!   evaluator's results, the search index), one module per table or aggregate.
//! - [`CaseFacts`]: the facts of a case built once from the typed `Case` (current handler,
//!   masked applicant …).
//!
//! Invariants (docs/architecture-notes/feed.md): every write goes through `Db::write`; the
//! cursor never moves without the records it covers; a lower `seq` never replaces a higher one.

mod apply;
mod checkpoint;
mod client;
pub mod db;
mod error;
pub mod evaluate;
mod facts;
pub mod findings;
mod prepare;
mod sync;
mod util;

pub use apply::Applied;
pub use client::{RetryNotice, RetryPolicy};
pub use error::SyncError;
pub use evaluate::{case_clock, evaluate, next_change, EvalSummary};
pub use facts::CaseFacts;
pub use findings::{
    list_findings, scan_silent_departments, working_hours_between, Finding, FindingConfig,
};
/// The one working-day trait of the workspace (defined in `jiancha-calendar`).
pub use jiancha_calendar::WorkCalendar;
pub use sync::{fetch_only, sync, Phase, ProgressFn, SyncOptions, SyncProgress, SyncReport};

use jiancha_protocol::{Case, CaseDigest, DigestResult};
use jiancha_store::Db;

/// The canonical case digest over the latest version of every case in the cache
/// (`jiancha db digest`); equal to the simulator's for a faithful sync.
pub fn db_digest(db: &Db) -> Result<DigestResult, SyncError> {
    let mut st = db.conn().prepare(
        "SELECT c.case_id, v.payload FROM cases c JOIN case_versions v ON v.seq = c.seq",
    )?;
    let mut rows = st.query([])?;
    let mut digest = CaseDigest::new();
    while let Some(r) = rows.next()? {
        let case: Case = db::case::parse(&r.get::<_, String>(0)?, &r.get::<_, String>(1)?)?;
        digest.add(&case);
    }
    Ok(digest.finish())
}
