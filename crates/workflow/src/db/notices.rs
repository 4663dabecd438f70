//! `wf_notices`: warning notices of cases in 预警 (Art. B6), by SMS or by phone.
//!
//! Row type [`Notice`]; reads take a `&Connection` (a `&Transaction` derefs to one); writes
//! take the caller's write transaction and are `pub(crate)`: only the notice workflow
//! (`crate::notices`) changes a notice, always together with its journal step.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use jiancha_store::rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use crate::util::{fmt_instant, parse_instant, parse_opt_instant};
use crate::{Result, WorkflowError};

labeled_enum! {
    pub enum Channel {
        Sms = ("sms", "短信"),
        Phone = ("phone", "电话"),
    }
}

labeled_enum! {
    pub enum NoticeState {
        Pending = ("pending", "待通知"),
        Sent = ("sent", "短信已发送"),
        Delivered = ("delivered", "短信已送达"),
        Failed = ("failed", "短信发送失败"),
        PhoneRecorded = ("phone_recorded", "已电话通知"),
    }
}

labeled_enum! {
    /// What came of a phone call.
    pub enum CallOutcome {
        Reached = ("reached", "已接通并告知"),
        NoAnswer = ("no_answer", "无人接听"),
        WrongNumber = ("wrong_number", "号码有误"),
        Other = ("other", "其他"),
    }
}

/// A phone call as recorded by the officer who made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneCall {
    /// Username of the officer who called.
    pub by: String,
    pub at: DateTime<Utc>,
    pub outcome: CallOutcome,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub id: String,
    pub case_id: String,
    pub handler: String,
    pub phone: Option<String>,
    pub channel: Channel,
    pub state: NoticeState,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub workstation: String,
    pub sent_at: Option<DateTime<Utc>>,
    pub gateway_ref: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub failed_at: Option<DateTime<Utc>>,
    pub failure: Option<String>,
    pub call: Option<PhoneCall>,
}

const COLS: &str = "id, case_id, handler, phone, channel, state, created_at, created_by, workstation, sent_at, gateway_ref, delivered_at, failed_at, failure, call_by, call_at, call_outcome, call_note";

fn channel(code: &str) -> Result<Channel> {
    Channel::from_code(code).ok_or_else(|| WorkflowError::Corrupt(format!("channel {code:?}")))
}

fn state(code: &str) -> Result<NoticeState> {
    NoticeState::from_code(code)
        .ok_or_else(|| WorkflowError::Corrupt(format!("notice state {code:?}")))
}

fn from_row(r: &Row<'_>) -> Result<Notice> {
    let call_by: Option<String> = r.get(14)?;
    let call = match call_by {
        Some(by) => {
            let outcome: String = r.get::<_, Option<String>>(16)?.unwrap_or_default();
            Some(PhoneCall {
                by,
                at: parse_instant(&r.get::<_, String>(15)?)?,
                outcome: CallOutcome::from_code(&outcome)
                    .ok_or_else(|| WorkflowError::Corrupt(format!("call outcome {outcome:?}")))?,
                note: r.get(17)?,
            })
        }
        None => None,
    };
    Ok(Notice {
        id: r.get(0)?,
        case_id: r.get(1)?,
        handler: r.get(2)?,
        phone: r.get(3)?,
        channel: channel(&r.get::<_, String>(4)?)?,
        state: state(&r.get::<_, String>(5)?)?,
        created_at: parse_instant(&r.get::<_, String>(6)?)?,
        created_by: r.get(7)?,
        workstation: r.get(8)?,
        sent_at: parse_opt_instant(r.get(9)?)?,
        gateway_ref: r.get(10)?,
        delivered_at: parse_opt_instant(r.get(11)?)?,
        failed_at: parse_opt_instant(r.get(12)?)?,
        failure: r.get(13)?,
        call,
    })
}

fn query(
    conn: &Connection,
    sql: &str,
    p: &[&dyn jiancha_store::rusqlite::ToSql],
) -> Result<Vec<Notice>> {
    let mut st = conn.prepare(sql)?;
    let mut rows = st.query(p)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(from_row(r)?);
    }
    Ok(out)
}

// ------------------------------------------------------------------------------------ reads

/// One notice, if it exists.
pub fn get(conn: &Connection, id: &str) -> Result<Option<Notice>> {
    let mut st = conn.prepare(&format!("SELECT {COLS} FROM wf_notices WHERE id = ?1"))?;
    let mut rows = st.query([id])?;
    rows.next()?.map(from_row).transpose()
}

/// The channel and state of a notice (what a transition checks), if it exists.
pub fn channel_and_state(conn: &Connection, id: &str) -> Result<Option<(Channel, NoticeState)>> {
    let cur: Option<(String, String)> = conn
        .query_row(
            "SELECT channel, state FROM wf_notices WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    cur.map(|(c, s)| Ok((channel(&c)?, state(&s)?))).transpose()
}

/// A case's notices, oldest first.
pub fn of_case(conn: &Connection, case_id: &str) -> Result<Vec<Notice>> {
    query(
        conn,
        &format!("SELECT {COLS} FROM wf_notices WHERE case_id = ?1 ORDER BY created_at, id"),
        &[&case_id],
    )
}

/// SMS notices waiting to be sent, oldest first.
pub fn pending_sms(conn: &Connection) -> Result<Vec<Notice>> {
    query(
        conn,
        &format!(
            "SELECT {COLS} FROM wf_notices WHERE channel = 'sms' AND state = 'pending' ORDER BY created_at, id"
        ),
        &[],
    )
}

/// Notices of any case, newest first, optionally of one state.
pub fn list(conn: &Connection, state: Option<NoticeState>) -> Result<Vec<Notice>> {
    let code = state.map(|s| s.code());
    query(
        conn,
        &format!(
            "SELECT {COLS} FROM wf_notices WHERE (?1 IS NULL OR state = ?1) ORDER BY created_at DESC, id DESC"
        ),
        &[&code],
    )
}

/// Which of `case_ids` have at least one notice (any channel, any state). Art. B6: a case in
/// 预警 is told once; the automatic notices skip the cases already told.
pub fn notified_case_ids<S: AsRef<str>>(
    conn: &Connection,
    case_ids: &[S],
) -> Result<HashSet<String>> {
    let mut st = conn.prepare("SELECT EXISTS(SELECT 1 FROM wf_notices WHERE case_id = ?1)")?;
    let mut out = HashSet::new();
    for id in case_ids {
        let id = id.as_ref();
        if !out.contains(id) && st.query_row([id], |r| r.get::<_, bool>(0))? {
            out.insert(id.to_string());
        }
    }
    Ok(out)
}

/// Every case with at least one notice, once each, in case-id order (the escalation pass of
/// Art. A8 starts from the cases whose handler was told).
pub fn notified_cases(conn: &Connection) -> Result<Vec<String>> {
    let mut st = conn.prepare("SELECT DISTINCT case_id FROM wf_notices ORDER BY case_id")?;
    let rows = st.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The phone calls recorded on a case's notices, oldest notice first (Art. B6: a handler told
/// by phone counts as told; the escalation counts each call as an attempt).
pub fn phone_calls_of_case(conn: &Connection, case_id: &str) -> Result<Vec<PhoneCall>> {
    Ok(of_case(conn, case_id)?
        .into_iter()
        .filter_map(|n| n.call)
        .collect())
}

// ----------------------------------------------------------------------------------- writes

/// A new notice, stored in state `pending`.
pub(crate) struct NewNoticeRow<'a> {
    pub id: &'a str,
    pub case_id: &'a str,
    pub handler: &'a str,
    pub phone: Option<&'a str>,
    pub channel: Channel,
    pub created_at: DateTime<Utc>,
    pub created_by: &'a str,
    pub workstation: &'a str,
}

pub(crate) fn insert(tx: &Transaction<'_>, n: &NewNoticeRow<'_>) -> Result<()> {
    tx.execute(
        "INSERT INTO wf_notices(id, case_id, handler, phone, channel, state, created_at, created_by, workstation)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            n.id,
            n.case_id,
            n.handler,
            n.phone,
            n.channel.code(),
            NoticeState::Pending.code(),
            fmt_instant(n.created_at),
            n.created_by,
            n.workstation
        ],
    )?;
    Ok(())
}

/// The columns a transition sets besides the state.
pub(crate) enum Change<'a> {
    Sent {
        at: DateTime<Utc>,
        gateway_ref: &'a str,
    },
    Delivered {
        at: DateTime<Utc>,
    },
    Failed {
        at: DateTime<Utc>,
        failure: &'a str,
    },
    Call(&'a PhoneCall),
}

/// Sets the new state and the step's own columns.
pub(crate) fn update(
    tx: &Transaction<'_>,
    id: &str,
    to: NoticeState,
    change: &Change<'_>,
) -> Result<()> {
    let state = to.code();
    match change {
        Change::Sent { at, gateway_ref } => tx.execute(
            "UPDATE wf_notices SET state = ?1, sent_at = ?3, gateway_ref = ?4 WHERE id = ?2",
            params![state, id, fmt_instant(*at), gateway_ref],
        ),
        Change::Delivered { at } => tx.execute(
            "UPDATE wf_notices SET state = ?1, delivered_at = ?3 WHERE id = ?2",
            params![state, id, fmt_instant(*at)],
        ),
        Change::Failed { at, failure } => tx.execute(
            "UPDATE wf_notices SET state = ?1, failed_at = ?3, failure = ?4 WHERE id = ?2",
            params![state, id, fmt_instant(*at), failure],
        ),
        Change::Call(c) => tx.execute(
            "UPDATE wf_notices SET state = ?1, call_by = ?3, call_at = ?4, call_outcome = ?5, call_note = ?6 WHERE id = ?2",
            params![state, id, c.by, fmt_instant(c.at), c.outcome.code(), c.note],
        ),
    }?;
    Ok(())
}
