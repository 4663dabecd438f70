//! Warning notices by phone (Art. B6).

use chrono::{DateTime, Utc};
use jiancha_api::letters::NoticeDto;
use jiancha_api::ApiError;
use jiancha_workflow::notices::{self, CallOutcome, Channel, NewNotice};
use jiancha_workflow::Session;

use super::dto::notice_dto;
use super::facts::case_facts;
use super::input::code;
use crate::app::Service;
use crate::error::invalid;

/// Records a warning phone call (Art. B6): to whom (defaults to the case's handler), when,
/// the outcome (`reached|no_answer|wrong_number|other`) and a note.
#[allow(clippy::too_many_arguments)]
pub fn record_phone_call(
    svc: &Service,
    session: &mut Session,
    case_id: &str,
    handler: &str,
    called_at: &str,
    outcome: &str,
    note: &str,
    now: DateTime<Utc>,
) -> Result<NoticeDto, ApiError> {
    let outcome = code("outcome", outcome, CallOutcome::from_code)?;
    let called_at = if called_at.trim().is_empty() {
        now
    } else {
        DateTime::parse_from_rfc3339(called_at.trim())
            .map_err(|_| {
                invalid(format!(
                    "通话时间格式错误 / called_at {called_at:?} is not an RFC 3339 instant"
                ))
            })?
            .with_timezone(&Utc)
    };
    let mut db = svc.db()?;
    let handler = if handler.trim().is_empty() {
        case_facts(&db, case_id)?.handler.unwrap_or_default()
    } else {
        handler.trim().to_string()
    };
    let n = notices::create(
        &mut db,
        session,
        &NewNotice {
            case_id,
            handler: &handler,
            phone: None,
            channel: Channel::Phone,
        },
        now,
    )?;
    let note = (!note.trim().is_empty()).then_some(note);
    notices::record_call(&mut db, session, &n.id, called_at, outcome, note, now)
        .map(notice_dto)
        .map_err(ApiError::from)
}
