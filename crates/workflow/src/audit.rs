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
use jiancha_store::rusqlite::{self, params, Connection, OptionalExtension, Transaction};
use jiancha_store::Db;
use sha2::{Digest, Sha256};

use crate::util::{fmt_instant, new_id};
use crate::Result;

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
    let last: Option<(i64, String)> = tx
        .query_row(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (seq, prev_hash) = match last {
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
    tx.execute(
        "INSERT INTO audit_log(seq, id, at, actor, workstation, action, subject, details, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            entry.seq,
            entry.id,
            entry.at,
            entry.actor,
            entry.workstation,
            entry.action,
            entry.subject,
            entry.details,
            entry.prev_hash,
            entry.hash
        ],
    )?;
    tx.execute(
        "INSERT INTO audit_head(id, entries, last_hash) VALUES (1, ?1, ?2)
         ON CONFLICT(id) DO UPDATE SET entries = excluded.entries, last_hash = excluded.last_hash",
        params![entry.seq, entry.hash],
    )?;
    Ok(entry)
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

/// The entries about one subject (e.g. `redcard:<id>`), oldest first: a record's history.
pub fn entries_for_subject(conn: &Connection, subject: &str) -> Result<Vec<AuditEntry>> {
    let mut st = conn.prepare(&format!("{SELECT_ENTRY} WHERE subject = ?1 ORDER BY seq"))?;
    let rows = st.query_map([subject], row_to_entry)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The latest `limit` entries, newest first (the audit screen).
pub fn recent_entries(conn: &Connection, limit: u32) -> Result<Vec<AuditEntry>> {
    let mut st = conn.prepare(&format!("{SELECT_ENTRY} ORDER BY seq DESC LIMIT ?1"))?;
    let rows = st.query_map([limit], row_to_entry)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
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
    let mut st = conn.prepare(&format!("{SELECT_ENTRY} ORDER BY seq"))?;
    let rows: Vec<AuditEntry> = st
        .query_map([], row_to_entry)?
        .collect::<rusqlite::Result<_>>()?;
    let head: Option<(i64, String)> = conn
        .query_row(
            "SELECT entries, last_hash FROM audit_head WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .unwrap_or(None);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;
    use jiancha_store::rusqlite::Connection;

    /// A database file with a few dozen audit entries; returns (dir, path, entries).
    fn chain() -> (tempfile::TempDir, std::path::PathBuf, i64) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("audit.sqlite");
        let mut e = env_at(Db::open(&p).unwrap());
        let case = crate::cards::CaseRef {
            case_id: "C-1".into(),
            unit: "U".into(),
            handler: None,
        };
        let card = crate::cards::register_signal_card(
            &mut e.db,
            &mut e.officer,
            &case,
            crate::cards::CardColor::Yellow,
            t0(),
            t0(),
        )
        .unwrap();
        let a = crate::admonition::draft(
            &mut e.db,
            &mut e.officer,
            &crate::admonition::NewDraft {
                card_ids: &[card.id],
                addressee: "",
                body: "正文",
            },
            t0(),
        )
        .unwrap();
        crate::admonition::assign_number(&mut e.db, &mut e.officer, &a.id, t0()).unwrap();
        crate::settings::set(&mut e.db, &mut e.admin, "rectification.days", "7", t0()).unwrap();
        let r = verify(&e.db).unwrap();
        assert!(r.ok(), "{r:?}");
        let n = r.entries;
        assert!(n >= 10, "{n}");
        (dir, p, n)
    }

    /// Opens the file as an attacker would: plain SQLite, triggers dropped.
    fn tamper(p: &std::path::Path, sql: &str) {
        let c = Connection::open(p).unwrap();
        c.execute_batch("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")
            .unwrap();
        c.execute_batch(sql).unwrap();
    }

    fn report(p: &std::path::Path) -> VerifyReport {
        // Read-only, without migrating: as `jiancha audit verify` does.
        let c = Connection::open_with_flags(p, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        verify_conn(&c).unwrap()
    }

    fn first_bad(p: &std::path::Path) -> (i64, BadReason) {
        let r = report(p);
        match r.first_bad {
            Some(b) => (b.seq, b.reason),
            None => panic!("tampering not detected: {r:?}"),
        }
    }

    fn load_row(p: &std::path::Path, seq: i64) -> AuditEntry {
        let c = Connection::open(p).unwrap();
        c.query_row(
            &format!("{SELECT_ENTRY} WHERE seq = ?1"),
            [seq],
            row_to_entry,
        )
        .unwrap()
    }

    fn load_count(p: &std::path::Path) -> i64 {
        Connection::open(p)
            .unwrap()
            .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
            .unwrap()
    }

    fn insert_row(p: &std::path::Path, e: &AuditEntry) {
        let c = Connection::open(p).unwrap();
        c.execute(
            "INSERT INTO audit_log(seq, id, at, actor, workstation, action, subject, details, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![e.seq, e.id, e.at, e.actor, e.workstation, e.action, e.subject, e.details, e.prev_hash, e.hash],
        )
        .unwrap();
    }

    #[test]
    fn the_log_refuses_update_and_delete() {
        let (_d, p, n) = chain();
        let db = Db::open(&p).unwrap();
        let e = db
            .conn()
            .execute("UPDATE audit_log SET actor = 'x' WHERE seq = 1", [])
            .unwrap_err();
        assert!(e.to_string().contains("append-only"), "{e}");
        let e = db
            .conn()
            .execute("DELETE FROM audit_log WHERE seq = ?1", [n])
            .unwrap_err();
        assert!(e.to_string().contains("append-only"), "{e}");
        assert!(verify(&db).unwrap().ok());
    }

    #[test]
    fn entries_chain_and_hash_canonically() {
        let (_d, p, n) = chain();
        let first = load_row(&p, 1);
        assert_eq!(first.prev_hash, GENESIS_HASH);
        let second = load_row(&p, 2);
        assert_eq!(second.prev_hash, first.hash);
        assert_eq!(entry_hash(&first), first.hash);
        // Length prefixes: moving a character across a field boundary changes the hash.
        let mut moved = first.clone();
        moved.actor.push('x');
        let mut other = first.clone();
        other.workstation.insert(0, 'x');
        assert_ne!(entry_hash(&moved), first.hash);
        assert_ne!(entry_hash(&moved), entry_hash(&other));
        assert_eq!(
            report(&p),
            VerifyReport {
                entries: n,
                first_bad: None
            }
        );
    }

    #[test]
    fn altered_row_is_reported() {
        let (_d, p, _) = chain();
        tamper(
            &p,
            "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 5",
        );
        assert_eq!(first_bad(&p), (5, BadReason::Altered));
    }

    #[test]
    fn altered_details_of_the_last_row_is_reported() {
        let (_d, p, n) = chain();
        tamper(
            &p,
            &format!("UPDATE audit_log SET details = '{{}}' WHERE seq = {n}"),
        );
        assert_eq!(first_bad(&p), (n, BadReason::Altered));
    }

    #[test]
    fn altered_and_rehashed_row_is_reported_at_that_row() {
        let (_d, p, _) = chain();
        let mut row = load_row(&p, 4);
        row.actor = "forger".into();
        row.hash = entry_hash(&row);
        tamper(
            &p,
            &format!(
                "UPDATE audit_log SET actor = 'forger', hash = '{}' WHERE seq = 4",
                row.hash
            ),
        );
        assert_eq!(first_bad(&p), (4, BadReason::Altered));
    }

    #[test]
    fn removed_middle_row_is_reported() {
        let (_d, p, _) = chain();
        tamper(&p, "DELETE FROM audit_log WHERE seq = 6");
        assert_eq!(first_bad(&p), (6, BadReason::Removed));
        assert_eq!(report(&p).entries, load_count(&p));
    }

    #[test]
    fn removed_row_with_renumbering_is_reported() {
        let (_d, p, _) = chain();
        tamper(
            &p,
            "DELETE FROM audit_log WHERE seq = 3;
             UPDATE audit_log SET seq = seq + 100000 WHERE seq > 3;
             UPDATE audit_log SET seq = seq - 100001 WHERE seq > 100000;",
        );
        assert_eq!(first_bad(&p), (3, BadReason::Removed));
    }

    #[test]
    fn removed_last_row_is_reported_through_the_anchor() {
        let (_d, p, n) = chain();
        tamper(&p, &format!("DELETE FROM audit_log WHERE seq = {n}"));
        assert_eq!(first_bad(&p), (n, BadReason::Removed));
    }

    #[test]
    fn inserted_row_at_the_end_is_reported_even_when_forged_well() {
        let (_d, p, n) = chain();
        let last = load_row(&p, n);
        let mut forged = AuditEntry {
            seq: n + 1,
            id: "forged".into(),
            at: last.at.clone(),
            actor: "leader".into(),
            workstation: "ws-2".into(),
            action: "redcard.approve".into(),
            subject: "redcard:x".into(),
            details: "{}".into(),
            prev_hash: last.hash.clone(),
            hash: String::new(),
        };
        forged.hash = entry_hash(&forged);
        insert_row(&p, &forged);
        assert_eq!(first_bad(&p), (n + 1, BadReason::Inserted));
    }

    #[test]
    fn inserted_garbage_row_at_the_end_is_reported() {
        let (_d, p, n) = chain();
        let mut junk = load_row(&p, 2);
        junk.seq = n + 1;
        junk.id = "copy".into();
        insert_row(&p, &junk);
        assert_eq!(first_bad(&p), (n + 1, BadReason::Inserted));
    }

    #[test]
    fn inserted_row_in_the_middle_is_reported() {
        let (_d, p, _) = chain();
        let before = load_row(&p, 2);
        // Make room at seq 3 (renumbering the rest) and insert a well-forged entry there.
        tamper(
            &p,
            "UPDATE audit_log SET seq = seq + 100000 WHERE seq >= 3;
             UPDATE audit_log SET seq = seq - 99999 WHERE seq > 100000;",
        );
        let mut forged = before.clone();
        forged.seq = 3;
        forged.id = "forged".into();
        forged.action = "card.relieve".into();
        forged.prev_hash = before.hash.clone();
        forged.hash = entry_hash(&forged);
        insert_row(&p, &forged);
        assert_eq!(first_bad(&p), (3, BadReason::Inserted));
    }

    #[test]
    fn inserted_junk_row_in_the_middle_is_reported() {
        let (_d, p, _) = chain();
        tamper(
            &p,
            "UPDATE audit_log SET seq = seq + 100000 WHERE seq >= 4;
             UPDATE audit_log SET seq = seq - 99999 WHERE seq > 100000;",
        );
        let mut junk = load_row(&p, 3);
        junk.seq = 4;
        junk.id = "junk".into();
        junk.prev_hash = "f".repeat(64);
        insert_row(&p, &junk);
        assert_eq!(first_bad(&p), (4, BadReason::Inserted));
    }

    #[test]
    fn inserted_row_before_the_first_is_reported() {
        let (_d, p, _) = chain();
        let mut forged = load_row(&p, 1);
        forged.seq = 0;
        forged.id = "zero".into();
        forged.hash = entry_hash(&forged);
        insert_row(&p, &forged);
        assert_eq!(first_bad(&p), (0, BadReason::Inserted));
    }

    #[test]
    fn tampered_anchor_is_reported() {
        let (_d, p, n) = chain();
        tamper(&p, "UPDATE audit_head SET last_hash = 'x'");
        assert_eq!(first_bad(&p), (n, BadReason::Altered));
    }

    #[test]
    fn an_empty_log_verifies() {
        let db = Db::open_in_memory().unwrap();
        assert_eq!(
            verify(&db).unwrap(),
            VerifyReport {
                entries: 0,
                first_bad: None
            }
        );
    }
}
