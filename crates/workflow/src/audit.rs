//! The tamper-evident audit trail (issue 7 item 3).
//!
//! Every workflow action and every setting change appends one row to `audit_log`. Each row's
//! `hash` is SHA-256 over a canonical encoding of the row (see [`entry_hash`]) that includes
//! the previous row's hash, so the rows form a chain from the genesis hash (64 zeros).
//! Triggers refuse UPDATE and DELETE on `audit_log`; `audit_head` keeps the entry count and the
//! last hash as an anchor, written by [`append`] in the same transaction (not by a trigger, so
//! that dropping the triggers to tamper with the log does not keep the anchor in step).
//!
//! Limits (documented in docs/workflows.md): whoever can rewrite the whole file can recompute
//! every hash and the anchor; the chain proves that no one edited the log *without* doing so.

use chrono::{DateTime, Utc};
use jiancha_store::rusqlite::{Connection, Transaction};
use jiancha_store::Db;
use sha2::{Digest, Sha256};

use crate::db::audit as table;
use crate::util::{fmt_instant, new_id};
use crate::Result;

pub use crate::db::audit::{has_trail, AuditEntry};

/// The `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An entry to append: what happened, by whom, where and when.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    pub at: DateTime<Utc>,
    /// Username of the account (or `system:<component>` for the system's own actions).
    pub actor: &'a str,
    pub workstation: &'a str,
    /// Dotted action code, e.g. `admonition.issue`, `settings.set`, `auth.sign_in`.
    pub action: &'a str,
    /// What it was done to, e.g. `admonition:<uuid>`.
    pub subject: &'a str,
    /// JSON object text with the particulars.
    pub details: &'a str,
}

/// SHA-256 (lowercase hex) over the canonical encoding of an entry: the ASCII tag
/// `jiancha-audit-v1`, then each field in the order seq (decimal), id, at, actor, workstation,
/// action, subject, details, prev_hash, each as its UTF-8 byte length (8 bytes, big-endian)
/// followed by its bytes. Length prefixes make the encoding unambiguous.
pub fn entry_hash(e: &AuditEntry) -> String {
    hash_fields(e.seq, e)
}

fn hash_fields(seq: i64, e: &AuditEntry) -> String {
    let mut h = Sha256::new();
    h.update(b"jiancha-audit-v1");
    let seq = seq.to_string();
    for field in [
        seq.as_str(),
        &e.id,
        &e.at,
        &e.actor,
        &e.workstation,
        &e.action,
        &e.subject,
        &e.details,
        &e.prev_hash,
    ] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends an entry inside the caller's write transaction and returns it. Other crates log
/// their setting changes through this (with a `Db::write` of their own).
pub fn append(tx: &Transaction<'_>, e: &NewEntry<'_>) -> Result<AuditEntry> {
    let (seq, prev_hash) = match table::last(tx)? {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS_HASH.to_string()),
    };
    let mut entry = AuditEntry {
        seq,
        id: new_id(e.at),
        at: fmt_instant(e.at),
        actor: e.actor.to_string(),
        workstation: e.workstation.to_string(),
        action: e.action.to_string(),
        subject: e.subject.to_string(),
        details: e.details.to_string(),
        prev_hash,
        hash: String::new(),
    };
    entry.hash = entry_hash(&entry);
    table::insert(tx, &entry)?;
    Ok(entry)
}

/// The entries about one subject (e.g. `redcard:<id>`), oldest first: a record's history.
pub fn entries_for_subject(conn: &Connection, subject: &str) -> Result<Vec<AuditEntry>> {
    table::of_subject(conn, subject)
}

/// The latest `limit` entries, newest first.
pub fn recent_entries(conn: &Connection, limit: u32) -> Result<Vec<AuditEntry>> {
    table::recent(conn, limit)
}

/// One page of the audit screen: the number of entries, and `limit` entries newest first
/// after skipping the `offset` newest.
pub fn page(conn: &Connection, offset: i64, limit: i64) -> Result<(i64, Vec<AuditEntry>)> {
    Ok((table::count(conn)?, table::page(conn, offset, limit)?))
}

/// Why an entry is the first bad one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadReason {
    /// The row's content no longer matches its hash.
    Altered,
    /// An entry that belongs at this position is missing (gap in seq or broken link).
    Removed,
    /// A row that is not part of the chain was added.
    Inserted,
}

impl BadReason {
    pub fn code(self) -> &'static str {
        match self {
            BadReason::Altered => "altered",
            BadReason::Removed => "removed",
            BadReason::Inserted => "inserted",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstBad {
    /// The position in the chain where the problem is (the missing seq for `Removed`).
    pub seq: i64,
    pub reason: BadReason,
    /// What was seen, for people.
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Rows found in `audit_log`.
    pub entries: i64,
    pub first_bad: Option<FirstBad>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.first_bad.is_none()
    }
}

/// Verifies the chain of an open database.
pub fn verify(db: &Db) -> Result<VerifyReport> {
    verify_conn(db.conn())
}

/// Verifies the chain over any connection (the CLI opens the file read-only, without
/// migrating it). Walks the rows in seq order and reports the first problem:
/// - a gap in seq → `Removed` at the first missing seq;
/// - a row whose recomputed hash differs → `Altered`, unless the row hashes correctly one
///   position later/earlier (it was renumbered because a row was removed/inserted before it);
/// - a row whose `prev_hash` is not the previous row's hash → `Inserted` when the row after it
///   links to the previous row (this row is extra), otherwise `Removed`;
/// - rows past the anchor's count → `Inserted`; fewer rows than the anchor → `Removed`; a last
///   hash different from the anchor's → `Altered`.
pub fn verify_conn(conn: &Connection) -> Result<VerifyReport> {
    let rows = table::all(conn)?;
    // A missing or unreadable anchor is reported by the checks below, not as an error.
    let head = table::head(conn).unwrap_or(None);
    let entries = rows.len() as i64;
    let bad = |seq: i64, reason: BadReason, detail: String| VerifyReport {
        entries,
        first_bad: Some(FirstBad {
            seq,
            reason,
            detail,
        }),
    };

    let mut prev_hash = GENESIS_HASH.to_string();
    let mut expected = 1i64;
    for (i, row) in rows.iter().enumerate() {
        if row.seq < expected {
            // Only possible for a first row numbered 0 or below: nothing is ever appended there.
            return Ok(bad(
                row.seq,
                BadReason::Inserted,
                format!("序号 {} 不可能存在 (entries start at seq 1)", row.seq),
            ));
        }
        if row.seq > expected {
            return Ok(bad(
                expected,
                BadReason::Removed,
                format!(
                    "序号 {expected} 缺失 (seq jumps from {} to {})",
                    expected - 1,
                    row.seq
                ),
            ));
        }
        let self_ok = entry_hash(row) == row.hash;
        let link_ok = row.prev_hash == prev_hash;
        if !self_ok && hash_fields(row.seq + 1, row) == row.hash {
            return Ok(bad(
                row.seq,
                BadReason::Removed,
                format!(
                    "第 {} 条是原第 {} 条被改号 (entry renumbered down: an earlier entry was removed)",
                    row.seq,
                    row.seq + 1
                ),
            ));
        }
        if !self_ok && row.seq > 1 && hash_fields(row.seq - 1, row) == row.hash {
            return Ok(bad(
                row.seq - 1,
                BadReason::Inserted,
                format!(
                    "第 {} 条是原第 {} 条被改号 (entry renumbered up: an entry was inserted before it)",
                    row.seq,
                    row.seq - 1
                ),
            ));
        }
        if !link_ok {
            let next_links_back = rows.get(i + 1).is_some_and(|n| n.prev_hash == prev_hash);
            let past_anchor = head.as_ref().is_some_and(|(n, _)| row.seq > *n);
            if next_links_back || past_anchor {
                return Ok(bad(
                    row.seq,
                    BadReason::Inserted,
                    format!("第 {} 条不在链上 (entry does not link to its predecessor; the chain continues without it)", row.seq),
                ));
            }
            if self_ok {
                // This row is intact but no longer links to its predecessor: the predecessor
                // was changed and its hash recomputed.
                return Ok(bad(
                    row.seq - 1,
                    BadReason::Altered,
                    format!(
                        "第 {} 条被改动并重算了哈希，第 {} 条记录的前一哈希与之不符 (entry changed and re-hashed; the next entry no longer links to it)",
                        row.seq - 1,
                        row.seq
                    ),
                ));
            }
            return Ok(bad(
                row.seq,
                BadReason::Altered,
                format!(
                    "第 {} 条的前一哈希不符 (prev_hash does not match entry {})",
                    row.seq,
                    row.seq - 1
                ),
            ));
        }
        if !self_ok {
            let past_anchor = head.as_ref().is_some_and(|(n, _)| row.seq > *n);
            return Ok(bad(
                row.seq,
                if past_anchor {
                    BadReason::Inserted
                } else {
                    BadReason::Altered
                },
                format!(
                    "第 {} 条内容与哈希不符 (content does not match its hash)",
                    row.seq
                ),
            ));
        }
        prev_hash = row.hash.clone();
        expected = row.seq + 1;
    }
    let last_seq = expected - 1;
    match head {
        None if last_seq > 0 => Ok(bad(
            last_seq,
            BadReason::Altered,
            "审计锚点缺失 (audit_head anchor row is missing)".into(),
        )),
        None => Ok(VerifyReport {
            entries,
            first_bad: None,
        }),
        Some((n, h)) => {
            if last_seq > n {
                Ok(bad(
                    n + 1,
                    BadReason::Inserted,
                    format!("锚点记录 {n} 条，实有 {last_seq} 条 (rows past the anchor)"),
                ))
            } else if last_seq < n {
                Ok(bad(
                    last_seq + 1,
                    BadReason::Removed,
                    format!("锚点记录 {n} 条，实有 {last_seq} 条 (trailing entries removed)"),
                ))
            } else if n > 0 && h != prev_hash {
                Ok(bad(
                    n,
                    BadReason::Altered,
                    "最后一条的哈希与锚点不符 (last hash differs from the anchor)".into(),
                ))
            } else {
                Ok(VerifyReport {
                    entries,
                    first_bad: None,
                })
            }
        }
    }
}
