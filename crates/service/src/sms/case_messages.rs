//! A case's SMS: why automatic notices stopped and its messages with their events.

use chrono::{DateTime, SecondsFormat, Utc};
use jiancha_api::sms::{SmsDto, SmsEventDto};
use jiancha_api::ApiError;
use jiancha_notify::db::{messages, skips};
use jiancha_store::Db;

/// Why the dispatcher stopped notifying this case on its own (`db::skips`), if it did.
pub fn stopped_reason(db: &Db, case_id: &str) -> Result<Option<String>, ApiError> {
    Ok(skips::of_case(db.conn(), case_id.trim())?.map(|s| {
        format!(
            "自动通知已停止：{}；可在此手动发送或登记电话通知。",
            s.reason()
        )
    }))
}

/// RFC 3339 in China Standard Time (what officers read), e.g. `2026-11-27T15:12:03+08:00`.
pub(super) fn cst_text(t: DateTime<Utc>) -> String {
    t.with_timezone(&jiancha_calendar::cst())
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// Every SMS of a case with its history, for the case page.
pub fn for_case(db: &Db, case_id: &str) -> Result<Vec<SmsDto>, ApiError> {
    let fmt = cst_text;
    Ok(messages::list_for_case(db.conn(), case_id.trim())?
        .into_iter()
        .map(|m| SmsDto {
            id: m.id,
            notice_id: m.notice_id,
            role: m.role.code().into(),
            role_label: m.role.label().into(),
            recipient: m.recipient,
            phone: m.phone,
            content: m.content,
            state: m.state.code().into(),
            state_label: m.state.label().into(),
            due_at: fmt(m.due_at),
            sent_at: m.sent_at.map(fmt),
            events: m
                .events
                .into_iter()
                .map(|e| SmsEventDto {
                    kind: e.kind.code().into(),
                    at: fmt(e.at),
                    status: e.status,
                    detail: e.detail,
                })
                .collect(),
        })
        .collect())
}
