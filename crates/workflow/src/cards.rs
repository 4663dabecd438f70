//! Yellow and red cards (Art. B5): registered from the case clock's signals, or raised by an
//! officer for one of the thirteen situations of Art. B4 — yellow when the situation had no
//! adverse consequences, red when it had. Any card can be **exempted** (免责: the applicant
//! falsified material, force majeure, or another reason) or **revoked** (撤销: wrongly raised)
//! with a reason and a leader's approval; the card stays on record, marked so.
//!
//! ```text
//! active ──exempt (reason + leader approval)──▶ exempted
//!    └────revoke (reason + leader approval)───▶ revoked
//! ```

use chrono::{DateTime, Utc};
use jiancha_store::rusqlite::Connection;
use jiancha_store::Db;

use crate::auth::{authorize, Action, Approval, Session};
use crate::db::cards::{self as table, NewCardRow};
use crate::journal::{self, Step};
use crate::util::{fmt_instant, new_id, optional, required, Attachment};
use crate::{settings, Result, WorkflowError};

pub use crate::db::cards::{
    Card, CardAction, CardColor, CardFilter, CardOrigin, CardState, Relief, ReliefGround, Situation,
};

/// The card state machine.
pub fn next_state(state: CardState, action: CardAction) -> Option<CardState> {
    match (state, action) {
        (CardState::Active, CardAction::Exempt) => Some(CardState::Exempted),
        (CardState::Active, CardAction::Revoke) => Some(CardState::Revoked),
        _ => None,
    }
}

/// The case a card or notice is about (identifiers from the feed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRef {
    /// 办件编号.
    pub case_id: String,
    /// The handling unit (受理单位名称).
    pub unit: String,
    /// The handler (承办人), when known.
    pub handler: Option<String>,
}

pub(crate) fn load(conn: &Connection, id: &str) -> Result<Card> {
    let mut card =
        table::get(conn, id)?.ok_or_else(|| WorkflowError::not_found("警告牌", "card", id))?;
    card.evidence = journal::load_attachments(conn, id)?;
    Ok(card)
}

/// Registers the card the case clock raised on a case (idempotent: the same case and color
/// give the same card). Called when an officer takes up a yellow or red card from the queue.
pub fn register_signal_card(
    db: &mut Db,
    session: &mut Session,
    case: &CaseRef,
    color: CardColor,
    signal_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Card> {
    let actor = authorize(session, Action::RegisterSignalCard, now)?;
    let case_id = required("case_id", &case.case_id)?;
    let unit = required("unit", &case.unit)?;
    let person = optional(case.handler.as_deref());
    let id = db.write(|tx| {
        if let Some(id) = table::signal_card_id(tx, &case_id, color)? {
            return Ok(id);
        }
        let id = new_id(now);
        let description = format!(
            "办件 {case_id} {}：{}",
            color.label(),
            match color {
                CardColor::Yellow => "办理时间到期未办结（预警纠错办法第五条第二项）",
                CardColor::Red => "超过期限两个工作日未办结（预警纠错办法第五条第三项）",
            }
        );
        table::insert(
            tx,
            &NewCardRow {
                id: &id,
                color,
                origin: CardOrigin::Signal,
                case_id: Some(&case_id),
                unit: &unit,
                person: person.as_deref(),
                situation: None,
                description: &description,
                signal_at: Some(signal_at),
                raised_at: now,
                raised_by: &actor.name,
                workstation: &actor.workstation,
            },
        )?;
        journal::record(tx, &actor, now, Step {
            workflow: "card",
            subject_id: &id,
            from: None,
            to: CardState::Active.code(),
            action: "register_signal",
            details: serde_json::json!({ "case_id": case_id, "unit": unit, "color": color.code(), "signal_at": fmt_instant(signal_at) }),
        })?;
        Ok::<_, WorkflowError>(id)
    })?;
    load(db.conn(), &id)
}

/// An officer's card for an Art. B4 situation.
pub struct ManualCard<'a> {
    /// Yellow: no adverse consequences; red: adverse consequences (Art. B5 (2)/(3)).
    pub color: CardColor,
    pub situation: Situation,
    pub case_id: Option<&'a str>,
    pub unit: &'a str,
    pub person: Option<&'a str>,
    /// What happened and what the consequences were.
    pub description: &'a str,
    /// At least one piece of evidence.
    pub evidence: &'a [Attachment],
}

/// Raises a card by hand (Art. B4, B5).
pub fn raise_manual_card(
    db: &mut Db,
    session: &mut Session,
    m: &ManualCard<'_>,
    now: DateTime<Utc>,
) -> Result<Card> {
    let actor = authorize(session, Action::RaiseManualCard, now)?;
    let unit = required("unit", m.unit)?;
    let description = required("description", m.description)?;
    if m.evidence.is_empty() {
        return Err(WorkflowError::invalid(
            "evidence",
            "人工发牌须附证据 (a manual card needs evidence)",
        ));
    }
    for a in m.evidence {
        a.validate("evidence")?;
    }
    let case_id = optional(m.case_id);
    let person = optional(m.person);
    let id = new_id(now);
    db.write(|tx| {
        table::insert(
            tx,
            &NewCardRow {
                id: &id,
                color: m.color,
                origin: CardOrigin::Manual,
                case_id: case_id.as_deref(),
                unit: &unit,
                person: person.as_deref(),
                situation: Some(m.situation),
                description: &description,
                signal_at: None,
                raised_at: now,
                raised_by: &actor.name,
                workstation: &actor.workstation,
            },
        )?;
        journal::add_attachments(tx, &actor, now, &id, "evidence", m.evidence)?;
        journal::record(tx, &actor, now, Step {
            workflow: "card",
            subject_id: &id,
            from: None,
            to: CardState::Active.code(),
            action: "raise",
            details: serde_json::json!({
                "color": m.color.code(), "situation": m.situation.code(), "case_id": case_id,
                "unit": unit, "person": person, "evidence": journal::attachments_json(m.evidence),
            }),
        })
    })?;
    load(db.conn(), &id)
}

/// Exempts or revokes a card: needs a reason and a leader's approval verified at this moment.
/// The card stays on record, marked exempted/revoked with who, when, why and which leader.
#[allow(clippy::too_many_arguments)]
pub fn relieve(
    db: &mut Db,
    session: &mut Session,
    id: &str,
    action: CardAction,
    ground: ReliefGround,
    reason: &str,
    approval: Approval,
    now: DateTime<Utc>,
) -> Result<Card> {
    let actor = authorize(session, Action::RelieveCard, now)?;
    let reason = required("reason", reason)?;
    let s = settings::load(db.conn())?;
    approval.check_fresh(s.approval_max_age_secs, now)?;
    db.write(|tx| {
        let state = table::state_of(tx, id)?
            .ok_or_else(|| WorkflowError::not_found("警告牌", "card", id))?;
        let next = next_state(state, action).ok_or_else(|| WorkflowError::IllegalTransition {
            workflow: "警告牌",
            id: id.to_string(),
            state: state.to_string(),
            state_code: state.code(),
            action: action.to_string(),
            action_code: action.code(),
        })?;
        table::set_relief(
            tx,
            id,
            next,
            &Relief {
                action,
                ground,
                reason: reason.clone(),
                at: now,
                by: actor.name.clone(),
                approved_by: approval.leader_username().to_string(),
            },
        )?;
        journal::record(
            tx,
            &actor,
            now,
            Step {
                workflow: "card",
                subject_id: id,
                from: Some(state.code()),
                to: next.code(),
                action: action.code(),
                details: serde_json::json!({
                    "ground": ground.code(), "reason": reason,
                    "approved_by": approval.leader_username(), "approver_id": approval.leader_id(),
                    "approval_verified_at": fmt_instant(approval.verified_at()),
                }),
            },
        )
    })?;
    load(db.conn(), id)
}

/// One card with its evidence.
pub fn get(db: &Db, session: &mut Session, id: &str, now: DateTime<Utc>) -> Result<Card> {
    authorize(session, Action::View, now)?;
    load(db.conn(), id)
}

/// Cards matching the filter, newest first (without evidence; use [`get`] for one card).
pub fn list(
    db: &Db,
    session: &mut Session,
    f: &CardFilter,
    now: DateTime<Utc>,
) -> Result<Vec<Card>> {
    authorize(session, Action::View, now)?;
    table::list(db.conn(), f)
}
