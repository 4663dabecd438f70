//! 文号 (document numbers): a per-year sequence per letter kind with a configurable prefix,
//! formatted as GB/T 9704-2012 §7.2.4 wants it: prefix, the full year in 六角括号 〔〕, the
//! number without leading zeros, then 号 — e.g. `新监效告〔2026〕12号` (issue 6 item 2).
//!
//! Allocation runs inside the caller's `BEGIN IMMEDIATE` transaction: the counter row is
//! bumped with an UPSERT … RETURNING, so two connections (threads, processes, workstations on
//! one file) serialise on the write lock and never see the same value. Each allocation is
//! kept in `wf_doc_numbers`, whose triggers refuse UPDATE and DELETE: a number is never
//! freed, even when its letter is discarded, and a restart continues after the last one.

use chrono::{DateTime, Datelike, Utc};
use jiancha_store::rusqlite::Transaction;
use jiancha_store::Db;

use crate::auth::{authorize, Action, Actor, Session};
use crate::db::doc_numbers as table;
use crate::util::cst;
use crate::Result;

pub use crate::db::doc_numbers::{Allocation, DocNumber, LetterKind};

/// `新监效告〔2026〕12号`.
pub fn format_number(prefix: &str, year: i32, seq: i64) -> String {
    format!("{prefix}〔{year}〕{seq}号")
}

/// Allocates the next number of `kind` for the CST year of `now`, for `letter_id`.
pub(crate) fn allocate(
    tx: &Transaction<'_>,
    kind: LetterKind,
    prefix: &str,
    letter_id: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<DocNumber> {
    let year = now.with_timezone(&cst()).year();
    let seq = table::next_seq(tx, kind, year)?;
    let number = DocNumber {
        kind,
        year,
        seq,
        text: format_number(prefix, year, seq),
    };
    table::insert(tx, &number, letter_id, now, &actor.name)?;
    Ok(number)
}

/// The number register of one year, by kind then sequence.
pub fn register(
    db: &Db,
    session: &mut Session,
    year: i32,
    now: DateTime<Utc>,
) -> Result<Vec<Allocation>> {
    authorize(session, Action::View, now)?;
    table::of_year(db.conn(), year)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use jiancha_store::Db;

    fn actor() -> Actor {
        Actor {
            account_id: "a".into(),
            name: "officer1".into(),
            workstation: "ws1".into(),
        }
    }

    fn alloc(db: &mut Db, kind: LetterKind, at: DateTime<Utc>) -> DocNumber {
        let prefix = match kind {
            LetterKind::Admonition => "新监效告",
            LetterKind::InvestigationNotice => "新监初调",
        };
        db.write(|tx| allocate(tx, kind, prefix, "letter", &actor(), at))
            .unwrap()
    }

    #[test]
    fn format_follows_gbt_9704() {
        assert_eq!(format_number("新监效告", 2026, 12), "新监效告〔2026〕12号");
        assert_eq!(format_number("新监效告", 2026, 1), "新监效告〔2026〕1号");
    }

    #[test]
    fn sequences_are_per_kind_and_per_cst_year() {
        let mut db = Db::open_in_memory().unwrap();
        // 2026-12-31T16:30Z is already 2027-01-01 in CST.
        let late_2026 = Utc.with_ymd_and_hms(2026, 12, 31, 15, 0, 0).unwrap();
        let new_year_cst = Utc.with_ymd_and_hms(2026, 12, 31, 16, 30, 0).unwrap();
        assert_eq!(alloc(&mut db, LetterKind::Admonition, late_2026).seq, 1);
        assert_eq!(alloc(&mut db, LetterKind::Admonition, late_2026).seq, 2);
        assert_eq!(
            alloc(&mut db, LetterKind::InvestigationNotice, late_2026).seq,
            1
        );
        let n = alloc(&mut db, LetterKind::Admonition, new_year_cst);
        assert_eq!((n.year, n.seq), (2027, 1));
        assert_eq!(n.text, "新监效告〔2027〕1号");
    }

    #[test]
    fn numbers_survive_restart_and_are_never_freed() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("n.sqlite");
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap();
        {
            let mut db = Db::open(&p).unwrap();
            for _ in 0..3 {
                alloc(&mut db, LetterKind::Admonition, at);
            }
        }
        let mut db = Db::open(&p).unwrap();
        assert_eq!(alloc(&mut db, LetterKind::Admonition, at).seq, 4);
        // The kept allocations cannot be deleted or changed through SQL either.
        let del = db
            .conn()
            .execute("DELETE FROM wf_doc_numbers WHERE seq = 4", []);
        assert!(del.unwrap_err().to_string().contains("never freed"));
        let upd = db
            .conn()
            .execute("UPDATE wf_doc_numbers SET letter_id = 'x'", []);
        assert!(upd.unwrap_err().to_string().contains("never changed"));
    }

    #[test]
    fn concurrent_allocation_from_many_connections_is_gapless_and_unique() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.sqlite");
        drop(Db::open(&p).unwrap());
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap();
        let threads = 6;
        let per = 25;
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let p = p.clone();
                std::thread::spawn(move || {
                    let mut db = Db::open(&p).unwrap();
                    (0..per)
                        .map(|_| alloc(&mut db, LetterKind::Admonition, at).seq)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all: Vec<i64> = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect();
        all.sort_unstable();
        let expected: Vec<i64> = (1..=(threads * per) as i64).collect();
        assert_eq!(all, expected);
    }
}
