//! The stored outbox's steps, as the dispatcher runs them: schedule (quiet hours applied),
//! pick what is due, record what the gateway answered, record delivery receipts. Every step
//! here is synchronous SQLite (every write through `Db::write`, BEGIN IMMEDIATE); the
//! gateway's calls ([`SmsGateway::send`], [`SmsGateway::delivery_reports`]) are async and
//! touch no database, so a caller on an async runtime runs these steps off it
//! (`spawn_blocking`) and awaits only the gateway (`jiancha_service::sms::dispatch`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use jiancha_calendar::Calendar;
use jiancha_store::rusqlite::Connection;
use jiancha_store::Db;

use crate::db::messages::{self, DueSms, NewMessage};
use crate::error::NotifyError;
use crate::escalation::ContactRole;
use crate::gateway::{DeliveryReport, SendReceipt, SmsError, SmsGateway, SmsRequest};
use crate::quiet::{next_send_instant, QuietPolicy};

/// What to schedule.
#[derive(Debug, Clone)]
pub struct NewSms<'a> {
    pub notice_id: &'a str,
    pub case_id: &'a str,
    pub role: ContactRole,
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
    let detail = if due > now {
        format!(
            "静默时段，顺延至 {}",
            due.with_timezone(&jiancha_calendar::cst())
                .format("%Y-%m-%d %H:%M")
        )
    } else {
        String::new()
    };
    db.write(|tx| {
        messages::insert_scheduled(
            tx,
            &NewMessage {
                notice_id: sms.notice_id,
                case_id: sms.case_id,
                role: sms.role,
                recipient: sms.recipient,
                phone: sms.phone,
                values: sms.values,
                content: &content,
                created_at: now,
                due_at: due,
                detail: &detail,
            },
        )
    })
}

/// Scheduled messages due at `now` (at most `limit`), re-checking quiet hours at `now`:
/// none while sending is not allowed.
pub fn due_now(
    conn: &Connection,
    cal: &Calendar,
    quiet: &QuietPolicy,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<DueSms>, NotifyError> {
    if next_send_instant(cal, now, quiet) != now {
        return Ok(Vec::new()); // quiet hours: nothing goes out
    }
    messages::due(conn, now, limit)
}

/// What the gateway is asked to send for `due`.
pub fn request(due: &DueSms) -> SmsRequest {
    SmsRequest {
        phones: vec![due.phone.clone()],
        values: due.values.clone(),
        out_id: format!("sms-{}", due.id),
    }
}

/// What one dispatch did to one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendOutcome {
    pub sms_id: i64,
    pub notice_id: String,
    /// The platform's message id, or why sending failed.
    pub result: Result<String, SmsError>,
}

/// Records what the gateway answered for `due` at `now`: `sent` with the platform's id, or
/// `failed` with the error (after the gateway's own retries). The caller reports the outcome
/// to the workflow (notices::mark_sent / mark_failed).
pub fn record_send(
    db: &mut Db,
    due: &DueSms,
    result: Result<SendReceipt, SmsError>,
    now: DateTime<Utc>,
) -> Result<SendOutcome, NotifyError> {
    db.write(|tx| match &result {
        Ok(r) => messages::mark_sent(tx, due.id, r, now),
        Err(e) => messages::mark_failed(tx, due.id, e, now),
    })?;
    Ok(SendOutcome {
        sms_id: due.id,
        notice_id: due.notice_id.clone(),
        result: result.map(|r| r.message_id),
    })
}

/// Stores a delivery receipt (from the status endpoint or a callback); see
/// [`messages::record_receipt`]. Returns the matched message's id.
pub fn record_receipt(
    db: &mut Db,
    report: &DeliveryReport,
    received_at: DateTime<Utc>,
) -> Result<Option<i64>, NotifyError> {
    db.write(|tx| messages::record_receipt(tx, report, received_at))
}
