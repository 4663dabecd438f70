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
use jiancha_store::rusqlite::{params, Connection, OptionalExtension, Row};
use jiancha_store::Db;

use crate::auth::{authorize, Action, Actor, Session, SystemActor};
use crate::journal::{self, Step};
use crate::util::{fmt_instant, new_id, optional, parse_instant, parse_opt_instant, required};
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
    pub enum NoticeAction {
        MarkSent = ("mark_sent", "登记短信已发送"),
        MarkDelivered = ("mark_delivered", "登记短信送达"),
        MarkFailed = ("mark_failed", "登记短信失败"),
        RecordCall = ("record_call", "登记电话通知"),
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

pub struct NewNotice<'a> {
    /// 办件编号 of the case in 预警.
    pub case_id: &'a str,
    /// The handler (承办人) to tell.
    pub handler: &'a str,
    /// Required for SMS.
    pub phone: Option<&'a str>,
    pub channel: Channel,
}

const COLS: &str = "id, case_id, handler, phone, channel, state, created_at, created_by, workstation, sent_at, gateway_ref, delivered_at, failed_at, failure, call_by, call_at, call_outcome, call_note";

fn from_row(r: &Row<'_>) -> Result<Notice> {
    let channel: String = r.get(4)?;
    let state: String = r.get(5)?;
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
        channel: Channel::from_code(&channel)
            .ok_or_else(|| WorkflowError::Corrupt(format!("channel {channel:?}")))?,
        state: NoticeState::from_code(&state)
            .ok_or_else(|| WorkflowError::Corrupt(format!("notice state {state:?}")))?,
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

fn load(conn: &Connection, id: &str) -> Result<Notice> {
    let mut st = conn.prepare(&format!("SELECT {COLS} FROM wf_notices WHERE id = ?1"))?;
    let mut rows = st.query([id])?;
    match rows.next()? {
        Some(r) => from_row(r),
        None => Err(WorkflowError::not_found("预警通知", "notice", id)),
    }
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
        tx.execute(
            "INSERT INTO wf_notices(id, case_id, handler, phone, channel, state, created_at, created_by, workstation)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![id, case_id, handler, phone, n.channel.code(), NoticeState::Pending.code(), fmt_instant(now), actor.name, actor.workstation],
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

#[allow(clippy::too_many_arguments)]
fn transition(
    db: &mut Db,
    actor: &Actor,
    id: &str,
    action: NoticeAction,
    now: DateTime<Utc>,
    set_sql: &str,
    set_params: &[&dyn jiancha_store::rusqlite::ToSql],
    details: serde_json::Value,
) -> Result<Notice> {
    db.write(|tx| {
        let cur: Option<(String, String)> = tx
            .query_row(
                "SELECT channel, state FROM wf_notices WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (channel, state) =
            cur.ok_or_else(|| WorkflowError::not_found("预警通知", "notice", id))?;
        let channel = Channel::from_code(&channel)
            .ok_or_else(|| WorkflowError::Corrupt(format!("channel {channel:?}")))?;
        let state = NoticeState::from_code(&state)
            .ok_or_else(|| WorkflowError::Corrupt(format!("notice state {state:?}")))?;
        let next = step(id, channel, state, action)?;
        let code = next.code();
        let mut p: Vec<&dyn jiancha_store::rusqlite::ToSql> = vec![&code, &id];
        p.extend_from_slice(set_params);
        tx.execute(
            &format!("UPDATE wf_notices SET state = ?1{set_sql} WHERE id = ?2"),
            p.as_slice(),
        )?;
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
    let r = fmt_instant(at);
    transition(
        db,
        sys.actor(),
        id,
        NoticeAction::MarkSent,
        at,
        ", sent_at = ?3, gateway_ref = ?4",
        &[&r, &gateway_ref],
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
    let r = fmt_instant(at);
    transition(
        db,
        sys.actor(),
        id,
        NoticeAction::MarkDelivered,
        at,
        ", delivered_at = ?3",
        &[&r],
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
    let r = fmt_instant(at);
    transition(
        db,
        sys.actor(),
        id,
        NoticeAction::MarkFailed,
        at,
        ", failed_at = ?3, failure = ?4",
        &[&r, &reason],
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
    let note = optional(note);
    let at = fmt_instant(called_at);
    let by = actor.name.clone();
    let oc = outcome.code();
    transition(
        db,
        &actor,
        id,
        NoticeAction::RecordCall,
        now,
        ", call_by = ?3, call_at = ?4, call_outcome = ?5, call_note = ?6",
        &[&by, &at, &oc, &note],
        serde_json::json!({ "called_at": at, "outcome": oc, "note": note }),
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
    let mut st = db.conn().prepare(&format!(
        "SELECT {COLS} FROM wf_notices WHERE case_id = ?1 ORDER BY created_at, id"
    ))?;
    let mut rows = st.query([case_id.trim()])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(from_row(r)?);
    }
    Ok(out)
}

/// SMS notices waiting to be sent, oldest first: what the notify crate's worker picks up
/// (it then reports each with [`mark_sent`] or [`mark_failed`]).
pub fn pending_sms(db: &Db, _sys: &SystemActor) -> Result<Vec<Notice>> {
    query(
        db.conn(),
        &format!(
            "SELECT {COLS} FROM wf_notices WHERE channel = 'sms' AND state = 'pending' ORDER BY created_at, id"
        ),
        &[],
    )
}

/// Notices of any case, newest first, optionally of one state (the notices list screen).
pub fn list(
    db: &Db,
    session: &mut Session,
    state: Option<NoticeState>,
    now: DateTime<Utc>,
) -> Result<Vec<Notice>> {
    authorize(session, Action::View, now)?;
    let code = state.map(|s| s.code());
    query(
        db.conn(),
        &format!(
            "SELECT {COLS} FROM wf_notices WHERE (?1 IS NULL OR state = ?1) ORDER BY created_at DESC, id DESC"
        ),
        &[&code],
    )
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

// ------------------------------------------------------------- reads the SMS dispatcher composes
// (Appended by the notify helper for issue 11; the workflow helper's `db::notices` has the same
// functions with the same signatures: keep theirs when merging.)

/// Which of `case_ids` have at least one notice (any channel, any state). Art. B6: a case in
/// 预警 is told once; the automatic notices skip the cases already told.
pub fn notified_case_ids<S: AsRef<str>>(
    conn: &Connection,
    case_ids: &[S],
) -> Result<std::collections::HashSet<String>> {
    let mut st = conn.prepare("SELECT EXISTS(SELECT 1 FROM wf_notices WHERE case_id = ?1)")?;
    let mut out = std::collections::HashSet::new();
    for id in case_ids {
        let id = id.as_ref();
        if !out.contains(id) && st.query_row([id], |r| r.get::<_, bool>(0))? {
            out.insert(id.to_string());
        }
    }
    Ok(out)
}

/// The phone calls recorded on a case's notices, oldest notice first (Art. B6: a handler told
/// by phone counts as told; the escalation counts each call as an attempt).
pub fn phone_calls_of_case(conn: &Connection, case_id: &str) -> Result<Vec<PhoneCall>> {
    Ok(query(
        conn,
        &format!("SELECT {COLS} FROM wf_notices WHERE case_id = ?1 ORDER BY created_at, id"),
        &[&case_id],
    )?
    .into_iter()
    .filter_map(|n| n.call)
    .collect())
}
