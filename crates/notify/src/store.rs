//! Persistence of SMS notices, their delivery receipts and failures (migration 40), and the
//! dispatch loop's steps: schedule (quiet hours applied), send what is due, poll receipts.
//! Every write goes through `Db::write` (BEGIN IMMEDIATE).

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use jiancha_calendar::Calendar;
use jiancha_store::rusqlite::{params, Connection, OptionalExtension, Row};
use jiancha_store::Db;

use crate::escalation::Role;
use crate::gateway::{DeliveryReport, DeliveryStatus, SmsError, SmsGateway, SmsRequest};
use crate::quiet::{next_send_instant, QuietPolicy};
use crate::NotifyError;

fn fmt(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn parse(s: &str) -> Result<DateTime<Utc>, NotifyError> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| NotifyError::Corrupt(format!("bad stored instant {s:?}: {e}")))
}

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
    pub role: Role,
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

/// What to schedule.
#[derive(Debug, Clone)]
pub struct NewSms<'a> {
    pub notice_id: &'a str,
    pub case_id: &'a str,
    pub role: Role,
    pub recipient: &'a str,
    pub phone: &'a str,
    /// Template values (handler, case_no, item, deadline, …).
    pub values: &'a BTreeMap<String, String>,
}

/// Renders the message (a missing placeholder is an error, nothing stored), applies quiet
/// hours to `now` (Art. B6 [decision]: no SMS at night or on non-working days) and stores
/// it as `scheduled`. Returns the record's id.
pub fn schedule(
    db: &mut Db,
    gateway: &dyn SmsGateway,
    cal: &Calendar,
    quiet: &QuietPolicy,
    sms: &NewSms<'_>,
    now: DateTime<Utc>,
) -> Result<i64, NotifyError> {
    let content = gateway.render(sms.values)?;
    if sms.phone.trim().is_empty() {
        return Err(SmsError::InvalidPhone(format!(
            "{}没有手机号码 (no phone number)",
            sms.recipient
        ))
        .into());
    }
    let due = next_send_instant(cal, now, quiet);
    let params =
        serde_json::to_string(sms.values).map_err(|e| NotifyError::Corrupt(e.to_string()))?;
    db.write(|tx| {
        tx.execute(
            "INSERT INTO sms_messages(notice_id, case_id, role, recipient, phone, params, content, state, created_at, due_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'scheduled', ?8, ?9)",
            params![sms.notice_id, sms.case_id, sms.role.code(), sms.recipient, sms.phone, params, content, fmt(now), fmt(due)],
        )?;
        let id = tx.last_insert_rowid();
        let detail = if due > now {
            format!("静默时段，顺延至 {}", due.with_timezone(&jiancha_calendar::cst()).format("%Y-%m-%d %H:%M"))
        } else {
            String::new()
        };
        insert_event(tx, Some(id), None, SmsEventKind::Scheduled, now, None, &detail, None)?;
        Ok(id)
    })
}

#[allow(clippy::too_many_arguments)]
fn insert_event(
    conn: &Connection,
    message_id: Option<i64>,
    gateway_ref: Option<&str>,
    kind: SmsEventKind,
    at: DateTime<Utc>,
    status: Option<&str>,
    detail: &str,
    raw: Option<&str>,
) -> Result<(), NotifyError> {
    conn.execute(
        "INSERT INTO sms_events(message_id, gateway_ref, kind, at, status, detail, raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![message_id, gateway_ref, kind.code(), fmt(at), status, detail, raw],
    )?;
    Ok(())
}

/// What one dispatch did to one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendOutcome {
    pub sms_id: i64,
    pub notice_id: String,
    pub result: Result<String, SmsError>,
}

/// Sends every scheduled message whose `due_at` has come (at most `limit`), re-checking
/// quiet hours at `now`, and records each result: `sent` with the platform's id, or
/// `failed` with the error (after the gateway's own retries). The caller reports the
/// outcomes to the workflow (notices::mark_sent / mark_failed).
pub async fn send_due(
    db: &mut Db,
    gateway: &dyn SmsGateway,
    cal: &Calendar,
    quiet: &QuietPolicy,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<SendOutcome>, NotifyError> {
    if next_send_instant(cal, now, quiet) != now {
        return Ok(Vec::new()); // quiet hours: nothing goes out
    }
    let due: Vec<(i64, String, String, String)> = {
        let mut st = db.conn().prepare(
            "SELECT id, notice_id, phone, params FROM sms_messages
             WHERE state = 'scheduled' AND due_at <= ?1 ORDER BY due_at, id LIMIT ?2",
        )?;
        let rows = st.query_map(params![fmt(now), limit as i64], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
        rows.collect::<Result<_, _>>()?
    };
    let mut out = Vec::new();
    for (id, notice_id, phone, params_json) in due {
        let values: BTreeMap<String, String> = serde_json::from_str(&params_json)
            .map_err(|e| NotifyError::Corrupt(format!("sms {id} params: {e}")))?;
        let req = SmsRequest {
            phones: vec![phone],
            values,
            out_id: format!("sms-{id}"),
        };
        let result = gateway.send(&req).await;
        db.write(|tx| -> Result<(), NotifyError> {
            match &result {
                Ok(r) => {
                    tx.execute(
                        "UPDATE sms_messages SET state = 'sent', sent_at = ?1, gateway_ref = ?2, attempts = attempts + ?3 WHERE id = ?4",
                        params![fmt(now), r.message_id, r.attempts, id],
                    )?;
                    insert_event(tx, Some(id), Some(&r.message_id), SmsEventKind::Sent, now, Some("sent"), "", Some(&r.raw))
                }
                Err(e) => {
                    tx.execute(
                        "UPDATE sms_messages SET state = 'failed', attempts = attempts + 1 WHERE id = ?1",
                        params![id],
                    )?;
                    insert_event(tx, Some(id), None, SmsEventKind::Failure, now, Some(e.kind()), &e.to_string(), None)
                }
            }
        })?;
        out.push(SendOutcome {
            sms_id: id,
            notice_id,
            result: result.map(|r| r.message_id),
        });
    }
    Ok(out)
}

/// Stores a delivery receipt (from the status endpoint or a callback). The message's
/// state follows the receipt (pending receipts are only logged). A receipt for an unknown
/// message id is kept with no message. Returns the matched message's id.
pub fn record_receipt(
    db: &mut Db,
    report: &DeliveryReport,
    received_at: DateTime<Utc>,
) -> Result<Option<i64>, NotifyError> {
    db.write(|tx| {
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
            crate::gateway::mask_phone(&report.phone),
            report.platform_status,
            report.reported_at.as_ref().map(|t| format!(" @ {t}")).unwrap_or_default()
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
    })
}

/// Asks the gateway for receipts of sent messages that have no final one yet.
pub async fn poll_receipts(
    db: &mut Db,
    gateway: &dyn SmsGateway,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<DeliveryReport>, NotifyError> {
    let refs: Vec<String> = {
        let mut st = db.conn().prepare(
            "SELECT gateway_ref FROM sms_messages WHERE state = 'sent' AND gateway_ref IS NOT NULL ORDER BY sent_at, id LIMIT ?1",
        )?;
        let rows = st.query_map(params![limit as i64], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut all = Vec::new();
    for r in refs {
        for rep in gateway.delivery_reports(&r).await? {
            record_receipt(db, &rep, now)?;
            all.push(rep);
        }
    }
    Ok(all)
}

fn message_from_row(
    r: &Row<'_>,
) -> Result<(SmsRecord, [String; 4]), jiancha_store::rusqlite::Error> {
    let raw: [String; 4] = [
        r.get("role")?,
        r.get("params")?,
        r.get("state")?,
        r.get("created_at")?,
    ];
    Ok((
        SmsRecord {
            id: r.get("id")?,
            notice_id: r.get("notice_id")?,
            case_id: r.get("case_id")?,
            role: Role::Handler,
            recipient: r.get("recipient")?,
            phone: r.get("phone")?,
            params: BTreeMap::new(),
            content: r.get("content")?,
            state: SmsState::Scheduled,
            created_at: DateTime::<Utc>::MIN_UTC,
            due_at: DateTime::<Utc>::MIN_UTC,
            sent_at: None,
            gateway_ref: r.get("gateway_ref")?,
            attempts: r.get("attempts")?,
            events: Vec::new(),
        },
        raw,
    ))
}

/// Every SMS of a case with its history (scheduled, sent, receipts, failures), oldest first.
pub fn list_for_case(db: &Db, case_id: &str) -> Result<Vec<SmsRecord>, NotifyError> {
    let conn = db.conn();
    let mut st = conn.prepare(
        "SELECT id, notice_id, case_id, role, recipient, phone, params, content, state, created_at, due_at, sent_at, gateway_ref, attempts
         FROM sms_messages WHERE case_id = ?1 ORDER BY id",
    )?;
    let rows = st.query_map(params![case_id], |r| {
        let (rec, raw) = message_from_row(r)?;
        let due: String = r.get("due_at")?;
        let sent: Option<String> = r.get("sent_at")?;
        Ok((rec, raw, due, sent))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (mut rec, [role, params_json, state, created], due, sent) = row?;
        rec.role = Role::from_code(&role)
            .ok_or_else(|| NotifyError::Corrupt(format!("sms {} role {role:?}", rec.id)))?;
        rec.state = SmsState::from_code(&state)
            .ok_or_else(|| NotifyError::Corrupt(format!("sms {} state {state:?}", rec.id)))?;
        rec.params = serde_json::from_str(&params_json)
            .map_err(|e| NotifyError::Corrupt(format!("sms {} params: {e}", rec.id)))?;
        rec.created_at = parse(&created)?;
        rec.due_at = parse(&due)?;
        rec.sent_at = sent.as_deref().map(parse).transpose()?;
        rec.events = events_of(conn, rec.id)?;
        out.push(rec);
    }
    Ok(out)
}

fn events_of(conn: &Connection, id: i64) -> Result<Vec<SmsEvent>, NotifyError> {
    let mut st = conn.prepare(
        "SELECT kind, at, status, detail, raw FROM sms_events WHERE message_id = ?1 ORDER BY id",
    )?;
    let rows = st.query_map(params![id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (kind, at, status, detail, raw) = row?;
        out.push(SmsEvent {
            kind: SmsEventKind::from_code(&kind)
                .ok_or_else(|| NotifyError::Corrupt(format!("sms event kind {kind:?}")))?,
            at: parse(&at)?,
            status,
            detail,
            raw,
        });
    }
    Ok(out)
}

/// Receipts that matched no message (kept, never dropped), newest first.
pub fn unmatched_receipts(db: &Db, limit: usize) -> Result<Vec<(String, SmsEvent)>, NotifyError> {
    let mut st = db.conn().prepare(
        "SELECT gateway_ref, kind, at, status, detail, raw FROM sms_events
         WHERE message_id IS NULL ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = st.query_map(params![limit as i64], |r| {
        Ok((
            r.get::<_, Option<String>>(0)?.unwrap_or_default(),
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, Option<String>>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (gref, kind, at, status, detail, raw) = row?;
        out.push((
            gref,
            SmsEvent {
                kind: SmsEventKind::from_code(&kind)
                    .ok_or_else(|| NotifyError::Corrupt(format!("sms event kind {kind:?}")))?,
                at: parse(&at)?,
                status,
                detail,
                raw,
            },
        ));
    }
    Ok(out)
}
