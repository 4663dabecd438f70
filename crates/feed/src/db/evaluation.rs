//! Reads of the evaluator's results: `evaluation_state` (the instant of the last run),
//! `case_signals` (each case's current classification) and `signals` (every level a case
//! reached and when it began, Art. B5). The evaluator writes them (`crate::evaluate`).

use jiancha_calendar::Level;
use jiancha_store::rusqlite::{Connection, OptionalExtension};

use crate::db::{level_counts, LevelCounts};
use crate::error::SyncError;
use crate::util::level_of;

/// The instant (Unix seconds) the last evaluation ran at, `None` before the first.
pub fn evaluated_at(conn: &Connection) -> Result<Option<i64>, SyncError> {
    Ok(conn
        .prepare_cached("SELECT evaluated_at FROM evaluation_state WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?)
}

/// Cards that began in `[from, to]` (Unix seconds, both inclusive), per level, open or not.
pub fn began_between(conn: &Connection, from: i64, to: i64) -> Result<LevelCounts, SyncError> {
    level_counts(
        conn,
        "SELECT level, count(*) FROM signals WHERE began_at >= ?1 AND began_at <= ?2 \
         GROUP BY level",
        [from, to],
    )
}

/// Every card that began in `[from, to]`: (level, began at), unordered (at most 5 000 000).
pub fn cards_began_between(
    conn: &Connection,
    from: i64,
    to: i64,
) -> Result<Vec<(Level, i64)>, SyncError> {
    let mut st = conn.prepare_cached(
        "SELECT level, began_at FROM signals WHERE began_at >= ?1 AND began_at <= ?2 \
         LIMIT 5000000",
    )?;
    let rows = st.query_map([from, to], |r| Ok((level_of(r.get(0)?), r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Red cards ever raised (open or not), and the case of the latest one.
pub fn red_cards(conn: &Connection) -> Result<(u64, Option<String>), SyncError> {
    let n: i64 = conn
        .prepare_cached("SELECT count(*) FROM signals WHERE level = 3")?
        .query_row([], |r| r.get(0))?;
    let latest = conn
        .prepare_cached(
            "SELECT case_id FROM signals WHERE level = 3 ORDER BY began_at DESC LIMIT 1",
        )?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok((n as u64, latest))
}

/// A case's stored signal and deadline: (`normal` … `done`, D as YYYY-MM-DD).
pub type SignalDeadline = (String, String);

/// The signal and deadline of every classified case (open ones only when `open_only`),
/// unordered (collect them into the map the caller needs).
pub fn signals_by_case(
    conn: &Connection,
    open_only: bool,
) -> Result<Vec<(String, SignalDeadline)>, SyncError> {
    let mut st = conn.prepare_cached(if open_only {
        "SELECT case_id, signal, deadline FROM case_signals WHERE open = 1"
    } else {
        "SELECT case_id, signal, deadline FROM case_signals"
    })?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
