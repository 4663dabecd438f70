//! `audit_log` and its anchor `audit_head`: the hash-chained audit trail. The chain itself
//! (hashing, appending, verifying) is `crate::audit`; this module only reads and writes rows.
//! Triggers refuse UPDATE and DELETE on `audit_log`.

use jiancha_store::rusqlite::{self, params, Connection, OptionalExtension, Transaction};

use crate::Result;

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: i64,
    pub id: String,
    pub at: String,
    pub actor: String,
    pub workstation: String,
    pub action: String,
    pub subject: String,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

fn row_to_entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        seq: r.get(0)?,
        id: r.get(1)?,
        at: r.get(2)?,
        actor: r.get(3)?,
        workstation: r.get(4)?,
        action: r.get(5)?,
        subject: r.get(6)?,
        details: r.get(7)?,
        prev_hash: r.get(8)?,
        hash: r.get(9)?,
    })
}

const SELECT_ENTRY: &str =
    "SELECT seq, id, at, actor, workstation, action, subject, details, prev_hash, hash FROM audit_log";

fn entries(conn: &Connection, tail: &str, p: impl rusqlite::Params) -> Result<Vec<AuditEntry>> {
    let mut st = conn.prepare(&format!("{SELECT_ENTRY} {tail}"))?;
    let rows = st.query_map(p, row_to_entry)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

// ------------------------------------------------------------------------------------ reads

/// Whether the database has an audit trail at all (a file under examination may be older than
/// the workflow schema, or not a Jiancha database).
pub fn has_trail(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_log')",
        [],
        |r| r.get(0),
    )?)
}

/// The seq and hash of the last entry (what the next one links to).
pub fn last(conn: &Connection) -> Result<Option<(i64, String)>> {
    Ok(conn
        .query_row(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// The anchor: entry count and last hash, as written with the last append.
pub fn head(conn: &Connection) -> Result<Option<(i64, String)>> {
    Ok(conn
        .query_row(
            "SELECT entries, last_hash FROM audit_head WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Every entry in seq order (what verification walks).
pub fn all(conn: &Connection) -> Result<Vec<AuditEntry>> {
    entries(conn, "ORDER BY seq", [])
}

/// The entries about one subject (e.g. `redcard:<id>`), oldest first.
pub fn of_subject(conn: &Connection, subject: &str) -> Result<Vec<AuditEntry>> {
    entries(conn, "WHERE subject = ?1 ORDER BY seq", [subject])
}

/// The latest `limit` entries, newest first.
pub fn recent(conn: &Connection, limit: u32) -> Result<Vec<AuditEntry>> {
    entries(conn, "ORDER BY seq DESC LIMIT ?1", [limit])
}

/// The entry at `seq`, if there is one.
pub fn by_seq(conn: &Connection, seq: i64) -> Result<Option<AuditEntry>> {
    Ok(entries(conn, "WHERE seq = ?1", [seq])?.pop())
}

/// How many entries the log holds.
pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))?)
}

/// `limit` entries, newest first, after skipping the `offset` newest (the audit screen).
pub fn page(conn: &Connection, offset: i64, limit: i64) -> Result<Vec<AuditEntry>> {
    entries(
        conn,
        "ORDER BY seq DESC LIMIT ?1 OFFSET ?2",
        params![limit, offset],
    )
}

// ----------------------------------------------------------------------------------- writes

/// Stores an entry whose seq, links and hash the chain computed, and moves the anchor to it.
pub(crate) fn insert(tx: &Transaction<'_>, e: &AuditEntry) -> Result<()> {
    tx.execute(
        "INSERT INTO audit_log(seq, id, at, actor, workstation, action, subject, details, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            e.seq,
            e.id,
            e.at,
            e.actor,
            e.workstation,
            e.action,
            e.subject,
            e.details,
            e.prev_hash,
            e.hash
        ],
    )?;
    tx.execute(
        "INSERT INTO audit_head(id, entries, last_hash) VALUES (1, ?1, ?2)
         ON CONFLICT(id) DO UPDATE SET entries = excluded.entries, last_hash = excluded.last_hash",
        params![e.seq, e.hash],
    )?;
    Ok(())
}
