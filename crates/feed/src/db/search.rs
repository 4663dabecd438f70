//! `queue_search` (+ `queue_search_state`): per case, the few words the queue filters look at
//! (current handler, every handler, applicant, free text), from its current version, so the
//! handler and free-text filters never parse payloads (migration 61, docs/queues.md).
//!
//! **Invariant: the index is refreshed by the write path, never by a read.** The evaluator
//! indexes, in the same transaction as the signals, every case version newer than the index
//! (`cases.seq > queue_search_state.indexed_seq`) that is accepted and open — the cases it
//! classifies anyway, with the typed [`Case`](jiancha_protocol::Case) it has just parsed — and
//! moves `indexed_seq` with `evaluation_state`. A closed case keeps its last row (the queues
//! list open cases only, through `case_signals`); a reopened case arrives as a newer version
//! and is indexed again. The rows are those [`CaseFacts`] gives: the one rule for "who handles
//! this case now". Checked by `tests/queue_db.rs::the_search_index_is_built_by_the_evaluator…`
//! (equal to the index the old SQL built) and `…queues_read_on_a_read_only_connection`.

use jiancha_store::rusqlite::{params, Connection, OptionalExtension, Transaction};
use jiancha_store::Db;

use crate::db::case::parse;
use crate::error::SyncError;
use crate::facts::CaseFacts;

/// One row of the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRow {
    /// 办件编号.
    pub case_id: String,
    /// The version the words come from.
    pub case_seq: i64,
    /// [`CaseFacts::handlers_field`].
    pub handlers: String,
    /// [`CaseFacts::handler`].
    pub handler: Option<String>,
    /// [`CaseFacts::applicant`] (`None` when classified, Art. A4).
    pub applicant: Option<String>,
    /// [`CaseFacts::search_text`].
    pub text: String,
}

impl SearchRow {
    /// The row of version `seq` of a case with these facts.
    pub fn of(seq: i64, f: &CaseFacts) -> SearchRow {
        SearchRow {
            case_id: f.case_id.clone(),
            case_seq: seq,
            handlers: f.handlers_field(),
            handler: f.handler.clone(),
            applicant: f.applicant.clone(),
            text: f.search_text(),
        }
    }
}

/// Whether a case version belongs in the index: accepted and not closed (by the `cases`
/// columns of that version).
pub(crate) fn listed(accepted_at: Option<i64>, closed_at: Option<i64>) -> bool {
    accepted_at.is_some() && closed_at.is_none()
}

/// The highest case seq the index covers (0 before the first refresh).
pub fn indexed_seq(conn: &Connection) -> Result<i64, SyncError> {
    Ok(conn
        .prepare_cached("SELECT indexed_seq FROM queue_search_state WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}

/// The row of one case, `None` when it is not indexed.
pub fn get(conn: &Connection, case_id: &str) -> Result<Option<SearchRow>, SyncError> {
    Ok(conn
        .prepare_cached(
            "SELECT case_id, case_seq, handlers, handler, applicant, text FROM queue_search \
             WHERE case_id = ?1",
        )?
        .query_row([case_id], |r| {
            Ok(SearchRow {
                case_id: r.get(0)?,
                case_seq: r.get(1)?,
                handlers: r.get(2)?,
                handler: r.get(3)?,
                applicant: r.get(4)?,
                text: r.get(5)?,
            })
        })
        .optional()?)
}

/// Stores (or replaces) the row of one case.
pub fn put(tx: &Transaction<'_>, row: &SearchRow) -> Result<(), SyncError> {
    tx.prepare_cached(
        "INSERT INTO queue_search (case_id, case_seq, handlers, handler, applicant, text) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
         ON CONFLICT (case_id) DO UPDATE SET case_seq = excluded.case_seq, \
            handlers = excluded.handlers, handler = excluded.handler, \
            applicant = excluded.applicant, text = excluded.text",
    )?
    .execute(params![
        row.case_id,
        row.case_seq,
        row.handlers,
        row.handler,
        row.applicant,
        row.text
    ])?;
    Ok(())
}

/// Records that the index covers every case version up to `seq` (never moves back).
pub fn set_indexed(tx: &Transaction<'_>, seq: i64) -> Result<(), SyncError> {
    tx.prepare_cached(
        "INSERT INTO queue_search_state (id, indexed_seq) VALUES (1, ?1) \
         ON CONFLICT (id) DO UPDATE SET indexed_seq = max(indexed_seq, excluded.indexed_seq)",
    )?
    .execute([seq])?;
    Ok(())
}

/// Indexes the listed cases whose current version is in `(after, upto]` (via `cases_by_seq`).
/// Returns the rows written. Does not move `indexed_seq`.
pub(crate) fn index_range(tx: &Transaction<'_>, after: i64, upto: i64) -> Result<u64, SyncError> {
    if upto <= after {
        return Ok(0);
    }
    let mut st = tx.prepare_cached(
        "SELECT c.case_id, c.seq, v.payload FROM cases c JOIN case_versions v ON v.seq = c.seq \
         WHERE c.seq > ?1 AND c.seq <= ?2 AND c.closed_at IS NULL AND c.accepted_at IS NOT NULL",
    )?;
    let mut rows = st.query([after, upto])?;
    let mut n = 0;
    while let Some(r) = rows.next()? {
        let id = r
            .get_ref(0)?
            .as_str()
            .map_err(jiancha_store::rusqlite::Error::from)?;
        let payload = r
            .get_ref(2)?
            .as_str()
            .map_err(jiancha_store::rusqlite::Error::from)?;
        let case = parse(id, payload)?;
        put(tx, &SearchRow::of(r.get(1)?, &CaseFacts::from_case(&case)))?;
        n += 1;
    }
    Ok(n)
}

/// Brings the index up to date with every case version newer than it, in one write
/// transaction; returns the rows written. The evaluator does this as a step of each run
/// ([`crate::evaluate()`]); call it directly only after writing `cases` without evaluating
/// (tools, benchmarks, tests).
pub fn refresh(db: &mut Db) -> Result<u64, SyncError> {
    let max_seq = |c: &Connection| -> Result<i64, SyncError> {
        Ok(c.query_row("SELECT coalesce(max(seq), 0) FROM cases", [], |r| r.get(0))?)
    };
    // Up to date: no write transaction at all.
    if max_seq(db.conn())? <= indexed_seq(db.conn())? {
        return Ok(0);
    }
    db.write(|tx| {
        let (indexed, upto) = (indexed_seq(tx)?, max_seq(tx)?);
        let n = index_range(tx, indexed, upto)?;
        set_indexed(tx, upto)?;
        Ok(n)
    })
}
