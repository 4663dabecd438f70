//! `wf_admonitions` and `wf_admonition_cards` (the cards a letter follows from): the
//! 效能告诫书 records (Arts. B7, B9). The state machine is `crate::admonition`; the letter's
//! documents are in `wf_attachments`.

use chrono::{DateTime, NaiveDate, Utc};
use jiancha_store::rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use crate::db::attachments::StoredAttachment;
use crate::util::{fmt_date, fmt_instant, parse_instant, parse_opt_date, parse_opt_instant};
use crate::{Result, WorkflowError};

labeled_enum! {
    pub enum AdmonitionState {
        Draft = ("draft", "草稿"),
        Numbered = ("numbered", "已编号待签发"),
        /// Issued and awaiting the unit's written rectification report (Art. B9).
        Issued = ("issued", "已签发，待整改报告"),
        ReportReceived = ("report_received", "已收到整改报告"),
        /// 建档备查 (Art. B9).
        Filed = ("filed", "已建档备查"),
        Discarded = ("discarded", "已作废"),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admonition {
    pub id: String,
    pub unit: String,
    /// 主送: the unit the letter is addressed to.
    pub addressee: String,
    /// The free text of the letter (facts, requirements), as edited by the officer.
    pub body: String,
    pub state: AdmonitionState,
    /// 文号, once assigned.
    pub number: Option<String>,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub workstation: String,
    pub numbered_at: Option<DateTime<Utc>>,
    pub issued_at: Option<DateTime<Utc>>,
    pub issued_by: Option<String>,
    /// Last day (CST) for the unit's written rectification report.
    pub report_due: Option<NaiveDate>,
    pub report_received_at: Option<DateTime<Utc>>,
    pub filed_at: Option<DateTime<Utc>>,
    pub discarded_at: Option<DateTime<Utc>>,
    pub discard_reason: Option<String>,
    pub card_ids: Vec<String>,
    /// The rectification report and any other documents.
    pub attachments: Vec<StoredAttachment>,
}

const COLS: &str = "id, unit, addressee, body, state, number, created_at, created_by, workstation, numbered_at, issued_at, issued_by, report_due, report_received_at, filed_at, discarded_at, discard_reason";

fn from_row(r: &Row<'_>) -> Result<Admonition> {
    let state: String = r.get(4)?;
    Ok(Admonition {
        id: r.get(0)?,
        unit: r.get(1)?,
        addressee: r.get(2)?,
        body: r.get(3)?,
        state: AdmonitionState::from_code(&state)
            .ok_or_else(|| WorkflowError::Corrupt(format!("admonition state {state:?}")))?,
        number: r.get(5)?,
        created_at: parse_instant(&r.get::<_, String>(6)?)?,
        created_by: r.get(7)?,
        workstation: r.get(8)?,
        numbered_at: parse_opt_instant(r.get(9)?)?,
        issued_at: parse_opt_instant(r.get(10)?)?,
        issued_by: r.get(11)?,
        report_due: parse_opt_date(r.get(12)?)?,
        report_received_at: parse_opt_instant(r.get(13)?)?,
        filed_at: parse_opt_instant(r.get(14)?)?,
        discarded_at: parse_opt_instant(r.get(15)?)?,
        discard_reason: r.get(16)?,
        card_ids: Vec::new(),
        attachments: Vec::new(),
    })
}

// ------------------------------------------------------------------------------------ reads

/// One letter with its card ids, if it exists (without its attachments).
pub fn get(conn: &Connection, id: &str) -> Result<Option<Admonition>> {
    let mut st = conn.prepare(&format!("SELECT {COLS} FROM wf_admonitions WHERE id = ?1"))?;
    let mut rows = st.query([id])?;
    let Some(mut a) = rows.next()?.map(from_row).transpose()? else {
        return Ok(None);
    };
    let mut st = conn.prepare(
        "SELECT card_id FROM wf_admonition_cards WHERE admonition_id = ?1 ORDER BY card_id",
    )?;
    a.card_ids = st
        .query_map([id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(Some(a))
}

/// The state of a letter, if it exists.
pub fn state_of(conn: &Connection, id: &str) -> Result<Option<AdmonitionState>> {
    let s: Option<String> = conn
        .query_row(
            "SELECT state FROM wf_admonitions WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    s.map(|s| {
        AdmonitionState::from_code(&s)
            .ok_or_else(|| WorkflowError::Corrupt(format!("admonition state {s:?}")))
    })
    .transpose()
}

/// The letter (not discarded) that already uses `card_id`, if any.
pub fn letter_using_card(conn: &Connection, card_id: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT a.id FROM wf_admonition_cards ac JOIN wf_admonitions a ON a.id = ac.admonition_id
             WHERE ac.card_id = ?1 AND a.state <> 'discarded'",
            [card_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// The ids of the letters of a state and a unit (either optional), newest first.
pub fn ids(
    conn: &Connection,
    state: Option<AdmonitionState>,
    unit: Option<&str>,
) -> Result<Vec<String>> {
    let mut st = conn.prepare(
        "SELECT id FROM wf_admonitions
         WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR unit = ?2)
         ORDER BY created_at DESC, id DESC",
    )?;
    let rows = st.query_map(params![state.map(|s| s.code()), unit], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

// ----------------------------------------------------------------------------------- writes

/// A new letter, stored as a `draft` with its cards.
pub(crate) struct NewAdmonitionRow<'a> {
    pub id: &'a str,
    pub unit: &'a str,
    pub addressee: &'a str,
    pub body: &'a str,
    pub card_ids: &'a [&'a str],
    pub created_at: DateTime<Utc>,
    pub created_by: &'a str,
    pub workstation: &'a str,
}

pub(crate) fn insert(tx: &Transaction<'_>, a: &NewAdmonitionRow<'_>) -> Result<()> {
    tx.execute(
        "INSERT INTO wf_admonitions(id, unit, addressee, body, state, created_at, created_by, workstation)
         VALUES (?1, ?2, ?3, ?4, 'draft', ?5, ?6, ?7)",
        params![
            a.id,
            a.unit,
            a.addressee,
            a.body,
            fmt_instant(a.created_at),
            a.created_by,
            a.workstation
        ],
    )?;
    for c in a.card_ids {
        tx.execute(
            "INSERT INTO wf_admonition_cards(admonition_id, card_id) VALUES (?1, ?2)",
            params![a.id, c],
        )?;
    }
    Ok(())
}

pub(crate) fn set_state(tx: &Transaction<'_>, id: &str, to: AdmonitionState) -> Result<()> {
    tx.execute(
        "UPDATE wf_admonitions SET state = ?2 WHERE id = ?1",
        params![id, to.code()],
    )?;
    Ok(())
}

/// The columns a step sets besides the state.
pub(crate) enum Change<'a> {
    Text {
        addressee: &'a str,
        body: &'a str,
    },
    Number {
        number: &'a str,
        at: DateTime<Utc>,
    },
    Issued {
        at: DateTime<Utc>,
        by: &'a str,
        report_due: NaiveDate,
    },
    ReportReceived {
        at: DateTime<Utc>,
    },
    Filed {
        at: DateTime<Utc>,
    },
    Discarded {
        at: DateTime<Utc>,
        reason: &'a str,
    },
}

pub(crate) fn update(tx: &Transaction<'_>, id: &str, change: &Change<'_>) -> Result<()> {
    match change {
        Change::Text { addressee, body } => tx.execute(
            "UPDATE wf_admonitions SET addressee = ?2, body = ?3 WHERE id = ?1",
            params![id, addressee, body],
        ),
        Change::Number { number, at } => tx.execute(
            "UPDATE wf_admonitions SET number = ?2, numbered_at = ?3 WHERE id = ?1",
            params![id, number, fmt_instant(*at)],
        ),
        Change::Issued { at, by, report_due } => tx.execute(
            "UPDATE wf_admonitions SET issued_at = ?2, issued_by = ?3, report_due = ?4 WHERE id = ?1",
            params![id, fmt_instant(*at), by, fmt_date(*report_due)],
        ),
        Change::ReportReceived { at } => tx.execute(
            "UPDATE wf_admonitions SET report_received_at = ?2 WHERE id = ?1",
            params![id, fmt_instant(*at)],
        ),
        Change::Filed { at } => tx.execute(
            "UPDATE wf_admonitions SET filed_at = ?2 WHERE id = ?1",
            params![id, fmt_instant(*at)],
        ),
        Change::Discarded { at, reason } => tx.execute(
            "UPDATE wf_admonitions SET discarded_at = ?2, discard_reason = ?3 WHERE id = ?1",
            params![id, fmt_instant(*at), reason],
        ),
    }?;
    Ok(())
}
