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
use jiancha_store::rusqlite::{params, Transaction};

use crate::auth::Actor;
use crate::util::{cst, fmt_instant};
use crate::Result;

labeled_enum! {
    /// Kinds of numbered letters; each has its own sequence and prefix.
    pub enum LetterKind {
        /// 效能告诫书 (Art. B7).
        Admonition = ("admonition", "效能告诫书"),
        /// 初步调查通知书 (Art. B8).
        InvestigationNotice = ("investigation_notice", "初步调查通知书"),
    }
}

/// An allocated number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocNumber {
    pub kind: LetterKind,
    pub year: i32,
    pub seq: i64,
    /// The formatted 文号.
    pub text: String,
}

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
    let seq: i64 = tx.query_row(
        "INSERT INTO wf_doc_sequences(kind, year, last) VALUES (?1, ?2, 1)
         ON CONFLICT(kind, year) DO UPDATE SET last = last + 1
         RETURNING last",
        params![kind.code(), year],
        |r| r.get(0),
    )?;
    let text = format_number(prefix, year, seq);
    tx.execute(
        "INSERT INTO wf_doc_numbers(kind, year, seq, number, letter_id, allocated_at, allocated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            kind.code(),
            year,
            seq,
            text,
            letter_id,
            fmt_instant(now),
            actor.name
        ],
    )?;
    Ok(DocNumber {
        kind,
        year,
        seq,
        text,
    })
}

/// One line of the number register (发文登记): every number ever allocated, including those
/// of letters later discarded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    pub number: DocNumber,
    /// The admonition or red-card matter the number belongs to.
    pub letter_id: String,
    pub allocated_at: String,
    pub allocated_by: String,
}

/// The number register of one year, by kind then sequence.
pub fn register(
    db: &jiancha_store::Db,
    session: &mut crate::auth::Session,
    year: i32,
    now: DateTime<Utc>,
) -> Result<Vec<Allocation>> {
    crate::auth::authorize(session, crate::auth::Action::View, now)?;
    let mut st = db.conn().prepare(
        "SELECT kind, year, seq, number, letter_id, allocated_at, allocated_by FROM wf_doc_numbers
         WHERE year = ?1 ORDER BY kind, seq",
    )?;
    let mut rows = st.query([year])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let kind: String = r.get(0)?;
        out.push(Allocation {
            number: DocNumber {
                kind: LetterKind::from_code(&kind).ok_or_else(|| {
                    crate::WorkflowError::Corrupt(format!("letter kind {kind:?}"))
                })?,
                year: r.get(1)?,
                seq: r.get(2)?,
                text: r.get(3)?,
            },
            letter_id: r.get(4)?,
            allocated_at: r.get(5)?,
            allocated_by: r.get(6)?,
        });
    }
    Ok(out)
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
