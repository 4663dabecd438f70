//! `sms_messages` and `sms_events` (migration 40): one SMS and its append-only history
//! (scheduled, sent, delivery receipts, failures). A receipt that matches no message is kept
//! with no message (nothing received is dropped).
//!
//! Reads take `&Connection`: [`list_for_case`], [`due`], [`awaiting_receipt`],
//! [`notice_of_ref`], [`unmatched_receipts`], [`cases_with_scheduled`].
//! Writes take the write transaction: [`insert_scheduled`], [`mark_sent`], [`mark_failed`],
//! [`record_receipt`].

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use jiancha_store::rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use super::sql::{fmt, ids_among, parse};
use crate::error::NotifyError;
use crate::escalation::ContactRole;
use crate::gateway::{mask_phone, DeliveryReport, DeliveryStatus, SendReceipt, SmsError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsState {
    Scheduled,
    Sent,
    Delivered,
    Undelivered,
    Failed,
}

impl SmsState {
    pub fn code(self) -> &'static str {
        match self {
            SmsState::Scheduled => "scheduled",
            SmsState::Sent => "sent",
            SmsState::Delivered => "delivered",
            SmsState::Undelivered => "undelivered",
            SmsState::Failed => "failed",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            SmsState::Scheduled => "待发送",
            SmsState::Sent => "已发送",
            SmsState::Delivered => "已送达",
            SmsState::Undelivered => "未送达",
            SmsState::Failed => "发送失败",
        }
    }
    fn from_code(s: &str) -> Option<Self> {
        [
            SmsState::Scheduled,
            SmsState::Sent,
            SmsState::Delivered,
            SmsState::Undelivered,
            SmsState::Failed,
        ]
        .into_iter()
        .find(|x| x.code() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsEventKind {
    Scheduled,
    Sent,
    Receipt,
    Failure,
}

impl SmsEventKind {
    pub fn code(self) -> &'static str {
        match self {
            SmsEventKind::Scheduled => "scheduled",
            SmsEventKind::Sent => "sent",
            SmsEventKind::Receipt => "receipt",
            SmsEventKind::Failure => "failure",
        }
    }
    fn from_code(s: &str) -> Option<Self> {
        [
            SmsEventKind::Scheduled,
            SmsEventKind::Sent,
            SmsEventKind::Receipt,
            SmsEventKind::Failure,
        ]
        .into_iter()
        .find(|x| x.code() == s)
    }
}

/// One entry of a message's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsEvent {
    pub kind: SmsEventKind,
    pub at: DateTime<Utc>,
    /// Receipt: delivered/undelivered/pending; failure: the error kind (auth, server, …).
    pub status: Option<String>,
    pub detail: String,
    /// The platform's reply or receipt as received.
    pub raw: Option<String>,
}

/// One SMS with its history, as shown on the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsRecord {
    pub id: i64,
    pub notice_id: String,
    pub case_id: String,
    pub role: ContactRole,
    pub recipient: String,
    pub phone: String,
    pub params: BTreeMap<String, String>,
    pub content: String,
    pub state: SmsState,
    pub created_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub gateway_ref: Option<String>,
    pub attempts: i64,
    pub events: Vec<SmsEvent>,
}

/// A scheduled message whose time has come: what the gateway needs to send it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueSms {
    pub id: i64,
    pub notice_id: String,
    pub phone: String,
    /// The template's values, as scheduled.
    pub values: BTreeMap<String, String>,
}

/// A message to store as `scheduled` (already rendered; `due_at` out of quiet hours).
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub notice_id: &'a str,
    pub case_id: &'a str,
    pub role: ContactRole,
    pub recipient: &'a str,
    pub phone: &'a str,
    pub values: &'a BTreeMap<String, String>,
    pub content: &'a str,
    pub created_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    /// The history's first entry (why it waits, if it does).
    pub detail: &'a str,
}

// ---------------------------------------------------------------- reads

fn parse_values(id: i64, json: &str) -> Result<BTreeMap<String, String>, NotifyError> {
    serde_json::from_str(json).map_err(|e| NotifyError::Corrupt(format!("sms {id} params: {e}")))
}

fn record_from_row(r: &Row<'_>) -> Result<SmsRecord, NotifyError> {
    let id: i64 = r.get("id")?;
    let role: String = r.get("role")?;
    let state: String = r.get("state")?;
    let sent: Option<String> = r.get("sent_at")?;
    Ok(SmsRecord {
        id,
        notice_id: r.get("notice_id")?,
        case_id: r.get("case_id")?,
        role: ContactRole::from_code(&role)
            .ok_or_else(|| NotifyError::Corrupt(format!("sms {id} role {role:?}")))?,
        recipient: r.get("recipient")?,
        phone: r.get("phone")?,
        params: parse_values(id, &r.get::<_, String>("params")?)?,
        content: r.get("content")?,
        state: SmsState::from_code(&state)
            .ok_or_else(|| NotifyError::Corrupt(format!("sms {id} state {state:?}")))?,
        created_at: parse(&r.get::<_, String>("created_at")?)?,
        due_at: parse(&r.get::<_, String>("due_at")?)?,
        sent_at: sent.as_deref().map(parse).transpose()?,
        gateway_ref: r.get("gateway_ref")?,
        attempts: r.get("attempts")?,
        events: Vec::new(),
    })
}

/// Every SMS of a case with its history (scheduled, sent, receipts, failures), oldest first.
pub fn list_for_case(conn: &Connection, case_id: &str) -> Result<Vec<SmsRecord>, NotifyError> {
    let mut st = conn.prepare(
        "SELECT id, notice_id, case_id, role, recipient, phone, params, content, state, created_at, due_at, sent_at, gateway_ref, attempts
         FROM sms_messages WHERE case_id = ?1 ORDER BY id",
    )?;
    let mut rows = st.query(params![case_id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(record_from_row(r)?);
    }
    for rec in &mut out {
        rec.events = events_of(conn, rec.id)?;
    }
    Ok(out)
}

fn event_from_row(r: &Row<'_>) -> Result<SmsEvent, NotifyError> {
    let kind: String = r.get("kind")?;
    Ok(SmsEvent {
        kind: SmsEventKind::from_code(&kind)
            .ok_or_else(|| NotifyError::Corrupt(format!("sms event kind {kind:?}")))?,
        at: parse(&r.get::<_, String>("at")?)?,
        status: r.get("status")?,
        detail: r.get("detail")?,
        raw: r.get("raw")?,
    })
}

fn events_of(conn: &Connection, id: i64) -> Result<Vec<SmsEvent>, NotifyError> {
    let mut st = conn.prepare(
        "SELECT kind, at, status, detail, raw FROM sms_events WHERE message_id = ?1 ORDER BY id",
    )?;
    let mut rows = st.query(params![id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(event_from_row(r)?);
    }
    Ok(out)
}

/// Scheduled messages whose `due_at` has come by `now`, oldest due first, at most `limit`.
/// (Quiet hours are the caller's check: `outbox::due_now`.)
pub fn due(
    conn: &Connection,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<DueSms>, NotifyError> {
    let mut st = conn.prepare(
        "SELECT id, notice_id, phone, params FROM sms_messages
         WHERE state = 'scheduled' AND due_at <= ?1 ORDER BY due_at, id LIMIT ?2",
    )?;
    let rows = st.query_map(params![fmt(now), limit as i64], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, notice_id, phone, params) = row?;
        out.push(DueSms {
            id,
            notice_id,
            phone,
            values: parse_values(id, &params)?,
        });
    }
    Ok(out)
}

/// Platform ids of sent messages with no final receipt yet, oldest sent first (at most
/// `limit`).
pub fn awaiting_receipt(conn: &Connection, limit: usize) -> Result<Vec<String>, NotifyError> {
    let mut st = conn.prepare(
        "SELECT gateway_ref FROM sms_messages WHERE state = 'sent' AND gateway_ref IS NOT NULL ORDER BY sent_at, id LIMIT ?1",
    )?;
    let rows = st.query_map(params![limit as i64], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The workflow notice of the message the platform knows as `gateway_ref`, if any.
pub fn notice_of_ref(conn: &Connection, gateway_ref: &str) -> Result<Option<String>, NotifyError> {
    Ok(conn
        .query_row(
            "SELECT notice_id FROM sms_messages WHERE gateway_ref = ?1",
            params![gateway_ref],
            |r| r.get(0),
        )
        .optional()?)
}

/// Of `case_ids`, those with a message still waiting to go out.
pub fn cases_with_scheduled(
    conn: &Connection,
    case_ids: &[String],
) -> Result<HashSet<String>, NotifyError> {
    ids_among(
        conn,
        "SELECT DISTINCT case_id FROM sms_messages WHERE state = 'scheduled' AND case_id IN ({ids})",
        case_ids,
    )
}

/// Receipts that matched no message (kept, never dropped), newest first.
pub fn unmatched_receipts(
    conn: &Connection,
    limit: usize,
) -> Result<Vec<(String, SmsEvent)>, NotifyError> {
    let mut st = conn.prepare(
        "SELECT gateway_ref, kind, at, status, detail, raw FROM sms_events
         WHERE message_id IS NULL ORDER BY id DESC LIMIT ?1",
    )?;
    let mut rows = st.query(params![limit as i64])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let gref: Option<String> = r.get("gateway_ref")?;
        out.push((gref.unwrap_or_default(), event_from_row(r)?));
    }
    Ok(out)
}

// ---------------------------------------------------------------- writes

#[allow(clippy::too_many_arguments)]
fn insert_event(
    tx: &Transaction<'_>,
    message_id: Option<i64>,
    gateway_ref: Option<&str>,
    kind: SmsEventKind,
    at: DateTime<Utc>,
    status: Option<&str>,
    detail: &str,
    raw: Option<&str>,
) -> Result<(), NotifyError> {
    tx.execute(
        "INSERT INTO sms_events(message_id, gateway_ref, kind, at, status, detail, raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![message_id, gateway_ref, kind.code(), fmt(at), status, detail, raw],
    )?;
    Ok(())
}

/// Stores `m` as `scheduled` with its first history entry. Returns the message's id.
pub fn insert_scheduled(tx: &Transaction<'_>, m: &NewMessage<'_>) -> Result<i64, NotifyError> {
    let values =
        serde_json::to_string(m.values).map_err(|e| NotifyError::Corrupt(e.to_string()))?;
    tx.execute(
        "INSERT INTO sms_messages(notice_id, case_id, role, recipient, phone, params, content, state, created_at, due_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'scheduled', ?8, ?9)",
        params![m.notice_id, m.case_id, m.role.code(), m.recipient, m.phone, values, m.content, fmt(m.created_at), fmt(m.due_at)],
    )?;
    let id = tx.last_insert_rowid();
    insert_event(
        tx,
        Some(id),
        None,
        SmsEventKind::Scheduled,
        m.created_at,
        None,
        m.detail,
        None,
    )?;
    Ok(id)
}

/// The platform accepted message `id` at `at`.
pub fn mark_sent(
    tx: &Transaction<'_>,
    id: i64,
    r: &SendReceipt,
    at: DateTime<Utc>,
) -> Result<(), NotifyError> {
    tx.execute(
        "UPDATE sms_messages SET state = 'sent', sent_at = ?1, gateway_ref = ?2, attempts = attempts + ?3 WHERE id = ?4",
        params![fmt(at), r.message_id, r.attempts, id],
    )?;
    insert_event(
        tx,
        Some(id),
        Some(&r.message_id),
        SmsEventKind::Sent,
        at,
        Some("sent"),
        "",
        Some(&r.raw),
    )
}

/// Sending message `id` failed at `at` (after the gateway's own retries).
pub fn mark_failed(
    tx: &Transaction<'_>,
    id: i64,
    e: &SmsError,
    at: DateTime<Utc>,
) -> Result<(), NotifyError> {
    tx.execute(
        "UPDATE sms_messages SET state = 'failed', attempts = attempts + 1 WHERE id = ?1",
        params![id],
    )?;
    insert_event(
        tx,
        Some(id),
        None,
        SmsEventKind::Failure,
        at,
        Some(e.kind()),
        &e.to_string(),
        None,
    )
}

/// Stores a delivery receipt. The message's state follows it (a pending receipt is only
/// logged; a failed or scheduled message is left as it is). A receipt for an unknown
/// platform id is kept with no message. Returns the matched message's id.
pub fn record_receipt(
    tx: &Transaction<'_>,
    report: &DeliveryReport,
    received_at: DateTime<Utc>,
) -> Result<Option<i64>, NotifyError> {
    let id: Option<i64> = tx
        .query_row(
            "SELECT id FROM sms_messages WHERE gateway_ref = ?1",
            params![report.message_id],
            |r| r.get(0),
        )
        .optional()?;
    let new_state = match report.status {
        DeliveryStatus::Delivered => Some(SmsState::Delivered),
        DeliveryStatus::Undelivered => Some(SmsState::Undelivered),
        DeliveryStatus::Pending => None,
    };
    if let (Some(id), Some(st)) = (id, new_state) {
        tx.execute(
            "UPDATE sms_messages SET state = ?1 WHERE id = ?2 AND state IN ('sent', 'delivered', 'undelivered')",
            params![st.code(), id],
        )?;
    }
    let detail = format!(
        "{} {}{}",
        mask_phone(&report.phone),
        report.platform_status,
        report
            .reported_at
            .as_ref()
            .map(|t| format!(" @ {t}"))
            .unwrap_or_default()
    );
    insert_event(
        tx,
        id,
        Some(&report.message_id),
        SmsEventKind::Receipt,
        received_at,
        Some(report.status.code()),
        &detail,
        Some(&report.raw),
    )?;
    Ok(id)
}
