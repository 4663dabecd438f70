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

use chrono::{DateTime, NaiveDate, Utc};
use jiancha_store::rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use jiancha_store::Db;

use crate::auth::{authorize, Action, Actor, Approval, Session};
use crate::calendar::WorkCalendar;
use crate::cards::{self, CardColor, CardState};
use crate::journal::{self, Step, StoredAttachment, Transition};
use crate::numbering::{self, LetterKind};
use crate::settings::{self, WorkflowSettings};
use crate::util::{
    cst_date, fmt_date, fmt_instant, new_id, optional, parse_instant, parse_opt_date, required,
    Attachment,
};
use crate::{Result, WorkflowError};

labeled_enum! {
    pub enum RedState {
        PendingApproval = ("pending_approval", "待分管领导审批"),
        Rejected = ("rejected", "领导未批准调查"),
        Approved = ("approved", "已批准，待确定调查方式"),
        Investigating = ("investigating", "中心直接初步调查中"),
        NoticeIssued = ("notice_issued", "已发初步调查通知书"),
        FindingsRecorded = ("findings_recorded", "已登记调查情况，待提出建议"),
        Proposed = ("proposed", "已提出建议，待研究决定"),
        AwaitingHandover = ("awaiting_handover", "决定立案调查，待移送"),
        AwaitingClosure = ("awaiting_closure", "决定初核了结，待了结"),
        HandedOver = ("handed_over", "已移送立案"),
        Closed = ("closed", "已初核了结"),
        Filed = ("filed", "已建档备查"),
    }
}

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

labeled_enum! {
    /// The center's proposal after the preliminary check (Art. B8).
    pub enum Outcome {
        CloseAfterCheck = ("close_after_check", "初核了结"),
        OpenCase = ("open_case", "立案调查"),
    }
}

labeled_enum! {
    /// Who decides (Art. B8): the commission's standing committee or the bureau's office meeting.
    pub enum DecisionBody {
        StandingCommittee = ("standing_committee", "纪委常委会"),
        DirectorsMeeting = ("directors_meeting", "监察局长办公会"),
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

/// The decision of the standing committee / office meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub outcome: Outcome,
    pub body: DecisionBody,
    pub date: NaiveDate,
    /// 会议纪要编号.
    pub minutes_number: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedCase {
    pub id: String,
    pub card_id: String,
    pub unit: String,
    pub summary: String,
    pub state: RedState,
    pub state_since: DateTime<Utc>,
    /// Deadline (CST date) of the open step; None when filed.
    pub step_due: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub workstation: String,
    pub approved_by: Option<String>,
    pub approval_opinion: Option<String>,
    pub rejection_reason: Option<String>,
    /// `direct` or `notice`.
    pub route: Option<String>,
    pub investigators: Option<String>,
    pub notice_number: Option<String>,
    /// The discipline body the notice is sent to (派驻纪检组/监察室).
    pub notice_addressee: Option<String>,
    pub findings: Option<String>,
    pub proposal: Option<Outcome>,
    pub proposal_reason: Option<String>,
    pub decision: Option<Decision>,
    pub handed_over_to: Option<String>,
    pub closing_note: Option<String>,
    pub attachments: Vec<StoredAttachment>,
}

const COLS: &str = "id, card_id, unit, summary, state, state_since, step_due, created_at, created_by, workstation, approved_by, approval_opinion, rejection_reason, route, investigators, notice_number, notice_addressee, findings, proposal, proposal_reason, decision_outcome, decision_body, decision_date, decision_minutes, handed_over_to, closing_note";

fn corrupt(what: &str, v: &str) -> WorkflowError {
    WorkflowError::Corrupt(format!("{what} {v:?}"))
}

fn from_row(r: &Row<'_>) -> Result<RedCase> {
    let state: String = r.get(4)?;
    let proposal: Option<String> = r.get(18)?;
    let d_outcome: Option<String> = r.get(20)?;
    let decision = match d_outcome {
        Some(o) => {
            let body: String = r.get::<_, Option<String>>(21)?.unwrap_or_default();
            Some(Decision {
                outcome: Outcome::from_code(&o).ok_or_else(|| corrupt("decision outcome", &o))?,
                body: DecisionBody::from_code(&body)
                    .ok_or_else(|| corrupt("decision body", &body))?,
                date: parse_opt_date(r.get(22)?)?.ok_or_else(|| corrupt("decision date", ""))?,
                minutes_number: r.get::<_, Option<String>>(23)?.unwrap_or_default(),
            })
        }
        None => None,
    };
    Ok(RedCase {
        id: r.get(0)?,
        card_id: r.get(1)?,
        unit: r.get(2)?,
        summary: r.get(3)?,
        state: RedState::from_code(&state).ok_or_else(|| corrupt("red-card state", &state))?,
        state_since: parse_instant(&r.get::<_, String>(5)?)?,
        step_due: parse_opt_date(r.get(6)?)?,
        created_at: parse_instant(&r.get::<_, String>(7)?)?,
        created_by: r.get(8)?,
        workstation: r.get(9)?,
        approved_by: r.get(10)?,
        approval_opinion: r.get(11)?,
        rejection_reason: r.get(12)?,
        route: r.get(13)?,
        investigators: r.get(14)?,
        notice_number: r.get(15)?,
        notice_addressee: r.get(16)?,
        findings: r.get(17)?,
        proposal: proposal
            .map(|p| Outcome::from_code(&p).ok_or_else(|| corrupt("proposal", &p)))
            .transpose()?,
        proposal_reason: r.get(19)?,
        decision,
        handed_over_to: r.get(24)?,
        closing_note: r.get(25)?,
        attachments: Vec::new(),
    })
}

fn load(conn: &Connection, id: &str) -> Result<RedCase> {
    let mut st = conn.prepare(&format!("SELECT {COLS} FROM wf_red_cases WHERE id = ?1"))?;
    let mut rows = st.query([id])?;
    let mut c = match rows.next()? {
        Some(r) => from_row(r)?,
        None => return Err(WorkflowError::not_found("红牌调查", "red_case", id)),
    };
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
        let cur: Option<String> = tx
            .query_row("SELECT state FROM wf_red_cases WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        let cur = cur.ok_or_else(|| WorkflowError::not_found("红牌调查", "red_case", id))?;
        let from = RedState::from_code(&cur).ok_or_else(|| corrupt("red-card state", &cur))?;
        let to = next_state(from, action).ok_or_else(|| illegal(id, from, action))?;
        let mut details = apply(tx)?;
        let due = due_for(to, &s, cal, now);
        tx.execute(
            "UPDATE wf_red_cases SET state = ?2, state_since = ?3, step_due = ?4 WHERE id = ?1",
            params![id, to.code(), fmt_instant(now), due],
        )?;
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
        let exists: Option<String> = tx
            .query_row("SELECT id FROM wf_red_cases WHERE card_id = ?1", [&card.id], |r| r.get(0))
            .optional()?;
        if let Some(other) = exists {
            return Err(WorkflowError::invalid("card_id", format!("红牌 {} 已报请审批：{other} (already submitted)", card.id)));
        }
        tx.execute(
            "INSERT INTO wf_red_cases(id, card_id, unit, summary, state, state_since, step_due, created_at, created_by, workstation)
             VALUES (?1, ?2, ?3, ?4, 'pending_approval', ?5, ?6, ?5, ?7, ?8)",
            params![id, card.id, card.unit, summary, fmt_instant(now), due, actor.name, actor.workstation],
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
        tx.execute(
            "UPDATE wf_red_cases SET approved_by = ?2, approval_opinion = ?3 WHERE id = ?1",
            params![id, approval.leader_username(), opinion],
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
        tx.execute(
            "UPDATE wf_red_cases SET approved_by = ?2, rejection_reason = ?3 WHERE id = ?1",
            params![id, approval.leader_username(), reason],
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
            tx.execute(
                "UPDATE wf_red_cases SET route = 'direct', investigators = ?2 WHERE id = ?1",
                params![id, investigators],
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
        tx.execute(
            "UPDATE wf_red_cases SET route = 'notice', notice_number = ?2, notice_addressee = ?3 WHERE id = ?1",
            params![id, n.text, addressee],
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
        tx.execute(
            "UPDATE wf_red_cases SET findings = ?2 WHERE id = ?1",
            params![id, findings],
        )?;
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
        tx.execute(
            "UPDATE wf_red_cases SET proposal = ?2, proposal_reason = ?3 WHERE id = ?1",
            params![id, outcome.code(), reason],
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
        tx.execute(
            "UPDATE wf_red_cases SET decision_outcome = ?2, decision_body = ?3, decision_date = ?4, decision_minutes = ?5 WHERE id = ?1",
            params![id, d.outcome.code(), d.body.code(), fmt_date(d.date), minutes],
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
        tx.execute(
            "UPDATE wf_red_cases SET handed_over_to = ?2 WHERE id = ?1",
            params![id, to],
        )?;
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
        tx.execute(
            "UPDATE wf_red_cases SET closing_note = ?2 WHERE id = ?1",
            params![id, note],
        )?;
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
    let mut st = db.conn().prepare(
        "SELECT id FROM wf_red_cases WHERE (?1 IS NULL OR state = ?1) ORDER BY created_at DESC, id DESC",
    )?;
    let ids: Vec<String> = st
        .query_map(params![state.map(|s| s.code())], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    ids.iter().map(|id| load(db.conn(), id)).collect()
}

/// The red-card matters of one case (through their cards), newest first.
pub fn for_case(
    db: &Db,
    session: &mut Session,
    case_id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<RedCase>> {
    authorize(session, Action::View, now)?;
    let mut st = db.conn().prepare(
        "SELECT r.id FROM wf_red_cases r JOIN wf_cards c ON c.id = r.card_id
         WHERE c.case_id = ?1 ORDER BY r.created_at DESC, r.id DESC",
    )?;
    let ids: Vec<String> = st
        .query_map([case_id.trim()], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    ids.iter().map(|id| load(db.conn(), id)).collect()
}

/// One open step in the red-card queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenStep {
    pub red_case_id: String,
    pub card_id: String,
    pub unit: String,
    pub state: RedState,
    pub since: DateTime<Utc>,
    pub due: NaiveDate,
    /// The CST date of `now` is past `due`.
    pub overdue: bool,
}

/// The red-card queue: every matter not yet filed, by deadline (earliest first).
pub fn queue(db: &Db, session: &mut Session, now: DateTime<Utc>) -> Result<Vec<OpenStep>> {
    authorize(session, Action::View, now)?;
    let mut st = db.conn().prepare(
        "SELECT id, card_id, unit, state, state_since, step_due FROM wf_red_cases
         WHERE state <> 'filed' AND step_due IS NOT NULL ORDER BY step_due, state_since, id",
    )?;
    let mut rows = st.query([])?;
    let today = cst_date(now);
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let state: String = r.get(3)?;
        let due = parse_opt_date(r.get(5)?)?.ok_or_else(|| corrupt("step_due", ""))?;
        out.push(OpenStep {
            red_case_id: r.get(0)?,
            card_id: r.get(1)?,
            unit: r.get(2)?,
            state: RedState::from_code(&state).ok_or_else(|| corrupt("red-card state", &state))?,
            since: parse_instant(&r.get::<_, String>(4)?)?,
            due,
            overdue: today > due,
        });
    }
    Ok(out)
}
