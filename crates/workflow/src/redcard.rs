//! Red card → investigation (Arts. B8, B9; issue 7 item 2).
//!
//! ```text
//! pending_approval ──approve (leader)──▶ approved ──investigate_directly──▶ investigating ─┐
//!        │                                   └──issue_notice (初步调查通知书)──▶ notice_issued ─┤
//!        └──reject (leader, reason)──▶ rejected ──file──▶ filed                             │
//!                                                                                           ▼
//!   findings_recorded ◀──────────────────────────────────────────────────── record_findings
//!        │ ▲ record_findings (more findings)
//!        └──propose (初核了结 / 立案调查)──▶ proposed
//!                 ├──decide: 立案调查 (常委会 / 局长办公会)──▶ awaiting_handover ──hand_over──▶ handed_over ──file──▶ filed
//!                 └──decide: 初核了结 ───────────────────────▶ awaiting_closure ──close──────▶ closed ──────file──▶ filed
//! ```
//! Each open state has a deadline in working days from the day it was entered (settings
//! `red.days.*`); [`queue`] lists the open steps by deadline.

use chrono::{DateTime, Utc};
use jiancha_store::rusqlite::{Connection, Transaction};
use jiancha_store::Db;

use crate::auth::{authorize, Action, Actor, Approval, Session};
use crate::calendar::WorkCalendar;
use crate::cards::{self, CardColor, CardState};
use crate::db::cards as card_table;
use crate::db::red_cases::{self as table, Change, NewRedCaseRow};
use crate::journal::{self, Step, Transition};
use crate::numbering::{self, LetterKind};
use crate::settings::{self, WorkflowSettings};
use crate::util::{cst_date, fmt_date, fmt_instant, new_id, optional, required, Attachment};
use crate::{Result, WorkflowError};

pub use crate::db::red_cases::{Decision, DecisionBody, OpenStep, Outcome, RedCase, RedState};

labeled_enum! {
    pub enum RedAction {
        Approve = ("approve", "批准调查"),
        Reject = ("reject", "不批准调查"),
        InvestigateDirectly = ("investigate_directly", "直接进行初步调查"),
        IssueNotice = ("issue_notice", "发出初步调查通知书"),
        RecordFindings = ("record_findings", "登记调查情况"),
        Propose = ("propose", "提出处理建议"),
        DecideCase = ("decide_case", "登记立案调查决定"),
        DecideClose = ("decide_close", "登记初核了结决定"),
        HandOver = ("hand_over", "移送立案"),
        Close = ("close", "了结"),
        File = ("file", "建档备查"),
    }
}

/// The red-card state machine. `None` = illegal.
pub fn next_state(state: RedState, action: RedAction) -> Option<RedState> {
    use RedAction as A;
    use RedState as S;
    match (state, action) {
        (S::PendingApproval, A::Approve) => Some(S::Approved),
        (S::PendingApproval, A::Reject) => Some(S::Rejected),
        (S::Approved, A::InvestigateDirectly) => Some(S::Investigating),
        (S::Approved, A::IssueNotice) => Some(S::NoticeIssued),
        (S::Investigating | S::NoticeIssued | S::FindingsRecorded, A::RecordFindings) => {
            Some(S::FindingsRecorded)
        }
        (S::FindingsRecorded, A::Propose) => Some(S::Proposed),
        (S::Proposed, A::DecideCase) => Some(S::AwaitingHandover),
        (S::Proposed, A::DecideClose) => Some(S::AwaitingClosure),
        (S::AwaitingHandover, A::HandOver) => Some(S::HandedOver),
        (S::AwaitingClosure, A::Close) => Some(S::Closed),
        (S::HandedOver | S::Closed | S::Rejected, A::File) => Some(S::Filed),
        _ => None,
    }
}

/// Working days allowed for a state (None: nothing pending).
pub fn step_days(state: RedState, s: &WorkflowSettings) -> Option<u32> {
    use RedState as S;
    let d = &s.red;
    match state {
        S::PendingApproval => Some(d.approval),
        S::Approved => Some(d.route),
        S::Investigating | S::NoticeIssued => Some(d.investigation),
        S::FindingsRecorded => Some(d.proposal),
        S::Proposed => Some(d.decision),
        S::AwaitingHandover | S::AwaitingClosure => Some(d.conclusion),
        S::HandedOver | S::Closed | S::Rejected => Some(d.filing),
        S::Filed => None,
    }
}

fn illegal(id: &str, s: RedState, a: RedAction) -> WorkflowError {
    WorkflowError::IllegalTransition {
        workflow: "红牌调查",
        id: id.to_string(),
        state: s.to_string(),
        state_code: s.code(),
        action: a.to_string(),
        action_code: a.code(),
    }
}

fn load(conn: &Connection, id: &str) -> Result<RedCase> {
    let mut c = table::get(conn, id)?
        .ok_or_else(|| WorkflowError::not_found("红牌调查", "red_case", id))?;
    c.attachments = journal::load_attachments(conn, id)?;
    Ok(c)
}

fn due_for(
    state: RedState,
    s: &WorkflowSettings,
    cal: &dyn WorkCalendar,
    now: DateTime<Utc>,
) -> Option<String> {
    step_days(state, s).map(|n| fmt_date(cal.add_workdays(cst_date(now), n)))
}

/// Checks the transition, applies the step's own columns, sets state, `state_since` and the
/// next step's deadline, and records the step; one transaction.
#[allow(clippy::too_many_arguments)]
fn advance(
    db: &mut Db,
    cal: &dyn WorkCalendar,
    actor: &Actor,
    id: &str,
    action: RedAction,
    now: DateTime<Utc>,
    apply: impl FnOnce(&Transaction<'_>) -> Result<serde_json::Value>,
) -> Result<RedCase> {
    let s = settings::load(db.conn())?;
    db.write(|tx| {
        let from = table::state_of(tx, id)?
            .ok_or_else(|| WorkflowError::not_found("红牌调查", "red_case", id))?;
        let to = next_state(from, action).ok_or_else(|| illegal(id, from, action))?;
        let mut details = apply(tx)?;
        let due = due_for(to, &s, cal, now);
        table::set_state(tx, id, to, now, due.as_deref())?;
        if let Some(o) = details.as_object_mut() {
            o.insert("step_due".into(), serde_json::json!(due));
        }
        journal::record(
            tx,
            actor,
            now,
            Step {
                workflow: "redcard",
                subject_id: id,
                from: Some(from.code()),
                to: to.code(),
                action: action.code(),
                details,
            },
        )
    })?;
    load(db.conn(), id)
}

/// Sends an active red card to the leader in charge for approval (Art. B8).
pub fn submit(
    db: &mut Db,
    session: &mut Session,
    cal: &dyn WorkCalendar,
    card_id: &str,
    summary: &str,
    now: DateTime<Utc>,
) -> Result<RedCase> {
    let actor = authorize(session, Action::SubmitRedCard, now)?;
    let summary = required("summary", summary)?;
    let card = cards::load(db.conn(), card_id)?;
    if card.color != CardColor::Red {
        return Err(WorkflowError::invalid(
            "card_id",
            format!("{} 不是红牌 (not a red card)", card.id),
        ));
    }
    if card.state != CardState::Active {
        return Err(WorkflowError::invalid(
            "card_id",
            format!("红牌 {} 状态为{} (card not active)", card.id, card.state),
        ));
    }
    let s = settings::load(db.conn())?;
    let due = due_for(RedState::PendingApproval, &s, cal, now);
    let id = new_id(now);
    db.write(|tx| {
        if let Some(other) = table::id_for_card(tx, &card.id)? {
            return Err(WorkflowError::invalid("card_id", format!("红牌 {} 已报请审批：{other} (already submitted)", card.id)));
        }
        table::insert(
            tx,
            &NewRedCaseRow {
                id: &id,
                card_id: &card.id,
                unit: &card.unit,
                summary: &summary,
                step_due: due.as_deref(),
                created_at: now,
                created_by: &actor.name,
                workstation: &actor.workstation,
            },
        )?;
        journal::record(tx, &actor, now, Step {
            workflow: "redcard",
            subject_id: &id,
            from: None,
            to: RedState::PendingApproval.code(),
            action: "submit",
            details: serde_json::json!({ "card_id": card.id, "case_id": card.case_id, "unit": card.unit, "step_due": due }),
        })
    })?;
    load(db.conn(), &id)
}

fn approval_details(a: &Approval) -> serde_json::Value {
    serde_json::json!({
        "leader": a.leader_username(), "leader_id": a.leader_id(),
        "approval_verified_at": fmt_instant(a.verified_at()),
    })
}

/// The leader in charge approves the investigation (their credentials, verified now).
pub fn approve(
    db: &mut Db,
    session: &mut Session,
    cal: &dyn WorkCalendar,
    id: &str,
    approval: Approval,
    opinion: Option<&str>,
    now: DateTime<Utc>,
) -> Result<RedCase> {
    let actor = authorize(session, Action::ApproveRedCard, now)?;
    approval.check_fresh(settings::load(db.conn())?.approval_max_age_secs, now)?;
    let opinion = optional(opinion);
    advance(db, cal, &actor, id, RedAction::Approve, now, |tx| {
        table::update(
            tx,
            id,
            &Change::Approved {
                by: approval.leader_username(),
                opinion: opinion.as_deref(),
            },
        )?;
        let mut d = approval_details(&approval);
        d["opinion"] = serde_json::json!(opinion);
        Ok(d)
    })
}

/// The leader in charge refuses the investigation, with a reason.
pub fn reject(
    db: &mut Db,
    session: &mut Session,
    cal: &dyn WorkCalendar,
    id: &str,
    approval: Approval,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<RedCase> {
    let actor = authorize(session, Action::ApproveRedCard, now)?;
    approval.check_fresh(settings::load(db.conn())?.approval_max_age_secs, now)?;
    let reason = required("reason", reason)?;
    advance(db, cal, &actor, id, RedAction::Reject, now, |tx| {
        table::update(
            tx,
            id,
            &Change::Rejected {
                by: approval.leader_username(),
                reason: &reason,
            },
        )?;
        let mut d = approval_details(&approval);
        d["reason"] = serde_json::json!(reason);
        Ok(d)
    })
}

/// The center investigates directly (Art. B8).
pub fn investigate_directly(
    db: &mut Db,
    session: &mut Session,
    cal: &dyn WorkCalendar,
    id: &str,
    investigators: &str,
    now: DateTime<Utc>,
) -> Result<RedCase> {
    let actor = authorize(session, Action::ChooseInvestigationRoute, now)?;
    let investigators = required("investigators", investigators)?;
    advance(
        db,
        cal,
        &actor,
        id,
        RedAction::InvestigateDirectly,
        now,
        |tx| {
            table::update(
                tx,
                id,
                &Change::Direct {
                    investigators: &investigators,
                },
            )?;
            Ok(serde_json::json!({ "route": "direct", "investigators": investigators }))
        },
    )
}

/// Issues a 初步调查通知书 to the unit's discipline body (Art. B8), numbered in its own
/// sequence (`investigation.prefix`). Rendering is the letters crate's job.
pub fn issue_notice(
    db: &mut Db,
    session: &mut Session,
    cal: &dyn WorkCalendar,
    id: &str,
    addressee: &str,
    now: DateTime<Utc>,
) -> Result<RedCase> {
    let actor = authorize(session, Action::ChooseInvestigationRoute, now)?;
    let addressee = required("addressee", addressee)?;
    let prefix = settings::load(db.conn())?.investigation_prefix;
    let a2 = actor.clone();
    advance(db, cal, &actor, id, RedAction::IssueNotice, now, |tx| {
        let n = numbering::allocate(tx, LetterKind::InvestigationNotice, &prefix, id, &a2, now)?;
        table::update(
            tx,
            id,
            &Change::Notice {
                number: &n.text,
                addressee: &addressee,
            },
        )?;
        Ok(serde_json::json!({ "route": "notice", "number": n.text, "addressee": addressee }))
    })
}

/// Records the findings with attachments (may be repeated to add findings).
pub fn record_findings(
    db: &mut Db,
    session: &mut Session,
    cal: &dyn WorkCalendar,
    id: &str,
    findings: &str,
    attachments: &[Attachment],
    now: DateTime<Utc>,
) -> Result<RedCase> {
    let actor = authorize(session, Action::RecordFindings, now)?;
    let findings = required("findings", findings)?;
    for a in attachments {
        a.validate("attachments")?;
    }
    advance(db, cal, &actor, id, RedAction::RecordFindings, now, |tx| {
        table::update(tx, id, &Change::Findings(&findings))?;
        journal::add_attachments(tx, &actor, now, id, "findings", attachments)?;
        Ok(
            serde_json::json!({ "findings": findings, "attachments": journal::attachments_json(attachments) }),
        )
    })
}

/// The center proposes 初核了结 or 立案调查 (Art. B8).
pub fn propose(
    db: &mut Db,
    session: &mut Session,
    cal: &dyn WorkCalendar,
    id: &str,
    outcome: Outcome,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<RedCase> {
    let actor = authorize(session, Action::ProposeOutcome, now)?;
    let reason = required("reason", reason)?;
    advance(db, cal, &actor, id, RedAction::Propose, now, |tx| {
        table::update(
            tx,
            id,
            &Change::Proposal {
                outcome,
                reason: &reason,
            },
        )?;
        Ok(serde_json::json!({ "proposal": outcome.code(), "reason": reason }))
    })
}

/// Records the decision of the standing committee / office meeting (Art. B8). The decision
/// may differ from the proposal; both are kept.
pub fn record_decision(
    db: &mut Db,
    session: &mut Session,
    cal: &dyn WorkCalendar,
    id: &str,
    d: &Decision,
    now: DateTime<Utc>,
) -> Result<RedCase> {
    let actor = authorize(session, Action::RecordDecision, now)?;
    let minutes = required("minutes_number", &d.minutes_number)?;
    if d.date > cst_date(now) {
        return Err(WorkflowError::invalid(
            "date",
            "决定日期不能晚于今天 (decision date in the future)",
        ));
    }
    let action = match d.outcome {
        Outcome::OpenCase => RedAction::DecideCase,
        Outcome::CloseAfterCheck => RedAction::DecideClose,
    };
    advance(db, cal, &actor, id, action, now, |tx| {
        table::update(
            tx,
            id,
            &Change::Decision(&Decision {
                minutes_number: minutes.clone(),
                ..d.clone()
            }),
        )?;
        Ok(
            serde_json::json!({ "outcome": d.outcome.code(), "body": d.body.code(), "date": fmt_date(d.date), "minutes_number": minutes }),
        )
    })
}

/// Hands the formal case over (case procedure follows elsewhere).
pub fn hand_over(
    db: &mut Db,
    session: &mut Session,
    cal: &dyn WorkCalendar,
    id: &str,
    to: &str,
    now: DateTime<Utc>,
) -> Result<RedCase> {
    let actor = authorize(session, Action::ConcludeRedCard, now)?;
    let to = required("to", to)?;
    advance(db, cal, &actor, id, RedAction::HandOver, now, |tx| {
        table::update(tx, id, &Change::HandedOver(&to))?;
        Ok(serde_json::json!({ "to": to }))
    })
}

/// Closes the matter after the preliminary check (初核了结).
pub fn close(
    db: &mut Db,
    session: &mut Session,
    cal: &dyn WorkCalendar,
    id: &str,
    note: &str,
    now: DateTime<Utc>,
) -> Result<RedCase> {
    let actor = authorize(session, Action::ConcludeRedCard, now)?;
    let note = required("note", note)?;
    advance(db, cal, &actor, id, RedAction::Close, now, |tx| {
        table::update(tx, id, &Change::ClosingNote(&note))?;
        Ok(serde_json::json!({ "note": note }))
    })
}

/// Files the matter (建档备查, Art. B9).
pub fn file(
    db: &mut Db,
    session: &mut Session,
    cal: &dyn WorkCalendar,
    id: &str,
    now: DateTime<Utc>,
) -> Result<RedCase> {
    let actor = authorize(session, Action::FileRedCard, now)?;
    advance(db, cal, &actor, id, RedAction::File, now, |_| {
        Ok(serde_json::json!({}))
    })
}

pub fn get(db: &Db, session: &mut Session, id: &str, now: DateTime<Utc>) -> Result<RedCase> {
    authorize(session, Action::View, now)?;
    load(db.conn(), id)
}

pub fn history(
    db: &Db,
    session: &mut Session,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Transition>> {
    authorize(session, Action::View, now)?;
    journal::load_history(db.conn(), id)
}

/// All red-card matters, newest first, optionally of one state.
pub fn list(
    db: &Db,
    session: &mut Session,
    state: Option<RedState>,
    now: DateTime<Utc>,
) -> Result<Vec<RedCase>> {
    authorize(session, Action::View, now)?;
    table::ids(db.conn(), state)?
        .iter()
        .map(|id| load(db.conn(), id))
        .collect()
}

/// The red-card matters of one case (through their cards), newest first.
pub fn for_case(
    db: &Db,
    session: &mut Session,
    case_id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<RedCase>> {
    authorize(session, Action::View, now)?;
    // Through the case's cards (one matter per red card), newest first.
    let conn = db.conn();
    let mut out = Vec::new();
    for card_id in card_table::ids_of_case(conn, case_id.trim())? {
        if let Some(id) = table::id_for_card(conn, &card_id)? {
            out.push(load(conn, &id)?);
        }
    }
    out.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    Ok(out)
}

/// The red-card queue: every matter not yet filed, by deadline (earliest first).
pub fn queue(db: &Db, session: &mut Session, now: DateTime<Utc>) -> Result<Vec<OpenStep>> {
    authorize(session, Action::View, now)?;
    table::open_steps(db.conn(), cst_date(now))
}
