//! `wf_doc_sequences` (the per-kind, per-year counter) and `wf_doc_numbers` (every number ever
//! allocated; triggers refuse UPDATE and DELETE, so a number is never freed). The 文号 format
//! and the CST year are `crate::numbering`'s.

use chrono::{DateTime, Utc};
use jiancha_store::rusqlite::{params, Connection, Transaction};

use crate::util::fmt_instant;
use crate::{Result, WorkflowError};

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

/// The allocations of one year, by kind then sequence.
pub fn of_year(conn: &Connection, year: i32) -> Result<Vec<Allocation>> {
    let mut st = conn.prepare(
        "SELECT kind, year, seq, number, letter_id, allocated_at, allocated_by FROM wf_doc_numbers
         WHERE year = ?1 ORDER BY kind, seq",
    )?;
    let mut rows = st.query([year])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let kind: String = r.get(0)?;
        out.push(Allocation {
            number: DocNumber {
                kind: LetterKind::from_code(&kind)
                    .ok_or_else(|| WorkflowError::Corrupt(format!("letter kind {kind:?}")))?,
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

/// Bumps the counter of `kind` in `year` and returns the new value (1 for the first). The
/// UPSERT … RETURNING runs under the caller's write lock (BEGIN IMMEDIATE), so two
/// connections never see the same value.
pub(crate) fn next_seq(tx: &Transaction<'_>, kind: LetterKind, year: i32) -> Result<i64> {
    Ok(tx.query_row(
        "INSERT INTO wf_doc_sequences(kind, year, last) VALUES (?1, ?2, 1)
         ON CONFLICT(kind, year) DO UPDATE SET last = last + 1
         RETURNING last",
        params![kind.code(), year],
        |r| r.get(0),
    )?)
}

/// Keeps an allocated number for good.
pub(crate) fn insert(
    tx: &Transaction<'_>,
    n: &DocNumber,
    letter_id: &str,
    at: DateTime<Utc>,
    by: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO wf_doc_numbers(kind, year, seq, number, letter_id, allocated_at, allocated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            n.kind.code(),
            n.year,
            n.seq,
            n.text,
            letter_id,
            fmt_instant(at),
            by
        ],
    )?;
    Ok(())
}
