//! The audit chain against tampering through plain SQLite (triggers dropped, rows altered,
//! removed, inserted, renumbered), over a database built by real workflow operations. Kept
//! apart from `audit.rs` because it builds its chain with the workflows, which use the audit.

use jiancha_store::rusqlite::{self, params, Connection};
use jiancha_store::Db;

use crate::audit::*;
use crate::db::audit as table;
use crate::testkit::*;

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
    table::by_seq(&Connection::open(p).unwrap(), seq)
        .unwrap()
        .unwrap()
}

fn load_count(p: &std::path::Path) -> i64 {
    table::count(&Connection::open(p).unwrap()).unwrap()
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
