//! Warning notices (Art. B6): when a case enters 预警 the handler is told by SMS or by phone.
//! This module keeps the notice records and their states; sending the SMS is the notify
//! crate's job, which reports back through [`mark_sent`], [`mark_delivered`], [`mark_failed`]
//! as a [`SystemActor`].
//!
//! ```text
//! sms:   pending ──mark_sent──▶ sent ──mark_delivered──▶ delivered
//!           │                    │
//!           └──mark_failed──▶ failed ◀──mark_failed──┘
//!                                │
//!                                └──record_call──▶ phone_recorded   (officer rings instead)
//! phone: pending ──record_call──▶ phone_recorded
//! ```

use chrono::{DateTime, Utc};
use jiancha_store::Db;

use crate::auth::{authorize, Action, Actor, Session, SystemActor};
use crate::db::notices::{self as table, Change, NewNoticeRow};
use crate::journal::{self, Step};
use crate::util::{fmt_instant, new_id, optional, required};
use crate::{Result, WorkflowError};

pub use crate::db::notices::{
    notified_case_ids, notified_cases, phone_calls_of_case, CallOutcome, Channel, Notice,
    NoticeState, PhoneCall,
};

labeled_enum! {
    pub enum NoticeAction {
        MarkSent = ("mark_sent", "登记短信已发送"),
        MarkDelivered = ("mark_delivered", "登记短信送达"),
        MarkFailed = ("mark_failed", "登记短信失败"),
        RecordCall = ("record_call", "登记电话通知"),
    }
}

/// The notice state machine. `None` = illegal.
pub fn next_state(
    channel: Channel,
    state: NoticeState,
    action: NoticeAction,
) -> Option<NoticeState> {
    use NoticeAction as A;
    use NoticeState as S;
    match (channel, state, action) {
        (Channel::Sms, S::Pending, A::MarkSent) => Some(S::Sent),
        (Channel::Sms, S::Pending | S::Sent, A::MarkFailed) => Some(S::Failed),
        (Channel::Sms, S::Sent, A::MarkDelivered) => Some(S::Delivered),
        // An SMS that failed is followed up by phone (Art. B6 allows either).
        (Channel::Sms, S::Failed, A::RecordCall) => Some(S::PhoneRecorded),
        (Channel::Phone, S::Pending, A::RecordCall) => Some(S::PhoneRecorded),
        _ => None,
    }
}

fn step(
    id: &str,
    channel: Channel,
    state: NoticeState,
    action: NoticeAction,
) -> Result<NoticeState> {
    next_state(channel, state, action).ok_or_else(|| WorkflowError::IllegalTransition {
        workflow: "预警通知",
        id: id.to_string(),
        state: format!("{state}（{}）", channel.label()),
        state_code: state.code(),
        action: action.to_string(),
        action_code: action.code(),
    })
}

pub struct NewNotice<'a> {
    /// 办件编号 of the case in 预警.
    pub case_id: &'a str,
    /// The handler (承办人) to tell.
    pub handler: &'a str,
    /// Required for SMS.
    pub phone: Option<&'a str>,
    pub channel: Channel,
}

/// Creates a notice for a case in 预警 (officer/leader).
pub fn create(
    db: &mut Db,
    session: &mut Session,
    n: &NewNotice<'_>,
    now: DateTime<Utc>,
) -> Result<Notice> {
    let actor = authorize(session, Action::CreateNotice, now)?;
    insert(db, &actor, n, now)
}

/// Creates a notice on the system's own initiative (Art. B6: a case entering 预警 is notified
/// automatically; Art. A8: the escalation chain tells the section chief and the leader in
/// charge). Recorded in the journal with the system actor.
pub fn create_system(
    db: &mut Db,
    sys: &SystemActor,
    n: &NewNotice<'_>,
    now: DateTime<Utc>,
) -> Result<Notice> {
    insert(db, sys.actor(), n, now)
}

fn load(conn: &jiancha_store::rusqlite::Connection, id: &str) -> Result<Notice> {
    table::get(conn, id)?.ok_or_else(|| WorkflowError::not_found("预警通知", "notice", id))
}

fn insert(db: &mut Db, actor: &Actor, n: &NewNotice<'_>, now: DateTime<Utc>) -> Result<Notice> {
    let case_id = required("case_id", n.case_id)?;
    let handler = required("handler", n.handler)?;
    let phone = optional(n.phone);
    if let Some(p) = &phone {
        if p.chars()
            .any(|c| !(c.is_ascii_digit() || c == '-' || c == '+' || c == ' '))
            || p.len() < 5
        {
            return Err(WorkflowError::invalid(
                "phone",
                format!("电话号码格式有误 (got {p:?})"),
            ));
        }
    }
    if n.channel == Channel::Sms && phone.is_none() {
        return Err(WorkflowError::invalid(
            "phone",
            "短信通知须有手机号码 (SMS needs a phone number)",
        ));
    }
    let id = new_id(now);
    db.write(|tx| {
        table::insert(
            tx,
            &NewNoticeRow {
                id: &id,
                case_id: &case_id,
                handler: &handler,
                phone: phone.as_deref(),
                channel: n.channel,
                created_at: now,
                created_by: &actor.name,
                workstation: &actor.workstation,
            },
        )?;
        journal::record(tx, actor, now, Step {
            workflow: "notice",
            subject_id: &id,
            from: None,
            to: NoticeState::Pending.code(),
            action: "create",
            details: serde_json::json!({ "case_id": case_id, "handler": handler, "channel": n.channel.code() }),
        })
    })?;
    load(db.conn(), &id)
}

fn transition(
    db: &mut Db,
    actor: &Actor,
    id: &str,
    action: NoticeAction,
    now: DateTime<Utc>,
    change: Change<'_>,
    details: serde_json::Value,
) -> Result<Notice> {
    db.write(|tx| {
        let (channel, state) = table::channel_and_state(tx, id)?
            .ok_or_else(|| WorkflowError::not_found("预警通知", "notice", id))?;
        let next = step(id, channel, state, action)?;
        table::update(tx, id, next, &change)?;
        journal::record(
            tx,
            actor,
            now,
            Step {
                workflow: "notice",
                subject_id: id,
                from: Some(state.code()),
                to: next.code(),
                action: action.code(),
                details,
            },
        )
    })?;
    load(db.conn(), id)
}

/// The gateway accepted the SMS (notify crate, as the system).
pub fn mark_sent(
    db: &mut Db,
    sys: &SystemActor,
    id: &str,
    gateway_ref: &str,
    at: DateTime<Utc>,
) -> Result<Notice> {
    transition(
        db,
        sys.actor(),
        id,
        NoticeAction::MarkSent,
        at,
        Change::Sent { at, gateway_ref },
        serde_json::json!({ "gateway_ref": gateway_ref }),
    )
}

/// The gateway's delivery receipt.
pub fn mark_delivered(
    db: &mut Db,
    sys: &SystemActor,
    id: &str,
    at: DateTime<Utc>,
) -> Result<Notice> {
    transition(
        db,
        sys.actor(),
        id,
        NoticeAction::MarkDelivered,
        at,
        Change::Delivered { at },
        serde_json::json!({}),
    )
}

/// The gateway refused the SMS or reported it undeliverable.
pub fn mark_failed(
    db: &mut Db,
    sys: &SystemActor,
    id: &str,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<Notice> {
    let reason = required("reason", reason)?;
    transition(
        db,
        sys.actor(),
        id,
        NoticeAction::MarkFailed,
        at,
        Change::Failed {
            at,
            failure: &reason,
        },
        serde_json::json!({ "failure": reason }),
    )
}

/// The officer records the phone call they made: who (the session's user), when (`called_at`,
/// not after `now`), the outcome and a note.
pub fn record_call(
    db: &mut Db,
    session: &mut Session,
    id: &str,
    called_at: DateTime<Utc>,
    outcome: CallOutcome,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Notice> {
    let actor = authorize(session, Action::RecordPhoneCall, now)?;
    if called_at > now {
        return Err(WorkflowError::invalid(
            "called_at",
            "通话时间不能晚于当前时间 (call time is in the future)",
        ));
    }
    let call = PhoneCall {
        by: actor.name.clone(),
        at: called_at,
        outcome,
        note: optional(note),
    };
    let details = serde_json::json!({
        "called_at": fmt_instant(called_at), "outcome": outcome.code(), "note": call.note,
    });
    transition(
        db,
        &actor,
        id,
        NoticeAction::RecordCall,
        now,
        Change::Call(&call),
        details,
    )
}

/// One notice.
pub fn get(db: &Db, session: &mut Session, id: &str, now: DateTime<Utc>) -> Result<Notice> {
    authorize(session, Action::View, now)?;
    load(db.conn(), id)
}

/// A case's notices, oldest first (shown on the case).
pub fn for_case(
    db: &Db,
    session: &mut Session,
    case_id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Notice>> {
    authorize(session, Action::View, now)?;
    table::of_case(db.conn(), case_id.trim())
}

/// SMS notices waiting to be sent, oldest first: what the notify crate's worker picks up
/// (it then reports each with [`mark_sent`] or [`mark_failed`]).
pub fn pending_sms(db: &Db, _sys: &SystemActor) -> Result<Vec<Notice>> {
    table::pending_sms(db.conn())
}

/// Notices of any case, newest first, optionally of one state (the notices list screen).
pub fn list(
    db: &Db,
    session: &mut Session,
    state: Option<NoticeState>,
    now: DateTime<Utc>,
) -> Result<Vec<Notice>> {
    authorize(session, Action::View, now)?;
    table::list(db.conn(), state)
}
