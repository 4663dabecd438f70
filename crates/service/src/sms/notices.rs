//! Queueing a warning notice by SMS (Art. B6) and a case's messages.

use chrono::{DateTime, Utc};
use jiancha_api::ApiError;
use jiancha_calendar::Calendar;
use jiancha_notify::outbox::{self, NewSms};
use jiancha_notify::{ContactRole, QuietPolicy, SmsGateway};
use jiancha_store::Db;
use jiancha_workflow::auth::{Session, SystemActor};
use jiancha_workflow::notices::{self, Channel, NewNotice, Notice};

use super::directory::{check_mobile, lookup};
use super::facts::{case_info, CaseInfo};
use super::settings::load;
use crate::error::{internal, invalid};
use crate::Service;

/// Creates the notice and schedules its SMS (quiet hours applied). `session` = an officer's
/// (manual) or None (the system: auto notices and escalation).
#[allow(clippy::too_many_arguments)]
pub(super) fn notify_person(
    db: &mut Db,
    gateway: &dyn SmsGateway,
    cal: &Calendar,
    quiet: &QuietPolicy,
    session: Option<&mut Session>,
    case_id: &str,
    role: ContactRole,
    recipient: &str,
    phone: &str,
    info: &CaseInfo,
    now: DateTime<Utc>,
) -> Result<Notice, ApiError> {
    let mut values = info.values.clone();
    values.insert("recipient".into(), recipient.to_string());
    // Render first: a template the case cannot fill creates no notice.
    gateway.render(&values)?;
    check_mobile(phone)?;
    let n = NewNotice {
        case_id,
        handler: recipient,
        phone: Some(phone),
        channel: Channel::Sms,
    };
    let notice = match session {
        Some(s) => notices::create(db, s, &n, now),
        None => notices::create_system(db, &system(), &n, now),
    }?;
    outbox::schedule(
        db,
        gateway,
        cal,
        quiet,
        &NewSms {
            notice_id: &notice.id,
            case_id,
            role,
            recipient,
            phone,
            values: &values,
        },
        now,
    )?;
    Ok(notice)
}

pub(super) fn system() -> SystemActor {
    SystemActor::new("sms", "local")
}

/// `queue_sms` from the case page (Art. B6): tells the case's handler now (or at the next
/// allowed instant). `phone` empty = the handler's number from the directory. Returns the
/// workflow's notice (the case page's DTO is `letters`').
pub fn queue(
    svc: &Service,
    session: &mut Session,
    case_id: &str,
    phone: &str,
    now: DateTime<Utc>,
) -> Result<Notice, ApiError> {
    let mut db = svc.db()?;
    let cfg = load(&db)?;
    let gateway = cfg.gateway()?;
    let quiet = cfg.quiet_policy()?;
    let cal = crate::calendar_store::load_calendar(&db).map_err(|e| internal(e.to_string()))?;
    let info = case_info(&db, case_id, &cfg.sign_name)?;
    let phone = phone.trim();
    let phone = if phone.is_empty() {
        lookup(
            &db,
            &info.dept_id,
            ContactRole::Handler,
            Some(&info.handler),
        )?
        .map(|(_, p)| p)
        .ok_or_else(|| {
            invalid(format!(
                "通讯录中没有承办人 {} 的手机号码，请填写号码 (no number for the handler)",
                info.handler
            ))
        })?
    } else {
        phone.to_string()
    };
    let handler = if info.handler.is_empty() {
        "承办人".to_string()
    } else {
        info.handler.clone()
    };
    let n = notify_person(
        &mut db,
        &gateway,
        &cal,
        &quiet,
        Some(session),
        case_id.trim(),
        ContactRole::Handler,
        &handler,
        &phone,
        &info,
        now,
    )?;
    svc.sms().wake();
    Ok(n)
}
