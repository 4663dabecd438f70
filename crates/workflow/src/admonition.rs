//! Yellow card → 效能告诫书 (Arts. B7, B9; issue 6 items 2–3).
//!
//! ```text
//! draft ──assign_number──▶ numbered ──issue──▶ issued ──receive_report──▶ report_received ──file──▶ filed
//!  │ ▲edit                  │ ▲edit            (awaiting the unit's written
//!  │                        │                   rectification report; deadline
//!  └──discard──▶ discarded ◀┘                   = N working days after issue)
//! ```
//! A draft comes from one or several active cards of one unit. Discarding a numbered draft
//! keeps its number consumed (numbers are never freed, see [`crate::numbering`]). The letter's
//! rendering (DOCX/PDF) is the letters crate's job; this module keeps the record and its text.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use jiancha_store::rusqlite::{Connection, Transaction};
use jiancha_store::Db;

use crate::auth::{authorize, Action, Actor, Session};
use crate::calendar::{workdays_before, WorkCalendar};
use crate::cards::{self, Card, CardColor, CardState};
use crate::db::admonitions::{self as table, Change, NewAdmonitionRow};
use crate::db::cards as card_table;
use crate::journal::{self, Step, Transition};
use crate::numbering::{self, LetterKind};
use crate::util::{cst_date, fmt_date, fmt_instant, new_id, required, Attachment};
use crate::{settings, Result, WorkflowError};

pub use crate::db::admonitions::{Admonition, AdmonitionState};

labeled_enum! {
    pub enum AdmonitionAction {
        Edit = ("edit", "修改"),
        AssignNumber = ("assign_number", "编号"),
        Issue = ("issue", "签发"),
        ReceiveReport = ("receive_report", "登记整改报告"),
        File = ("file", "建档备查"),
        Discard = ("discard", "作废"),
    }
}

/// The admonition state machine. `None` = illegal.
pub fn next_state(state: AdmonitionState, action: AdmonitionAction) -> Option<AdmonitionState> {
    use AdmonitionAction as A;
    use AdmonitionState as S;
    match (state, action) {
        (S::Draft, A::Edit) => Some(S::Draft),
        (S::Draft, A::AssignNumber) => Some(S::Numbered),
        (S::Numbered, A::Edit) => Some(S::Numbered),
        (S::Numbered, A::Issue) => Some(S::Issued),
        (S::Draft | S::Numbered, A::Discard) => Some(S::Discarded),
        (S::Issued, A::ReceiveReport) => Some(S::ReportReceived),
        (S::ReportReceived, A::File) => Some(S::Filed),
        _ => None,
    }
}

fn illegal(id: &str, s: AdmonitionState, a: AdmonitionAction) -> WorkflowError {
    WorkflowError::IllegalTransition {
        workflow: "效能告诫书",
        id: id.to_string(),
        state: s.to_string(),
        state_code: s.code(),
        action: a.to_string(),
        action_code: a.code(),
    }
}

fn load(conn: &Connection, id: &str) -> Result<Admonition> {
    let mut a = table::get(conn, id)?
        .ok_or_else(|| WorkflowError::not_found("效能告诫书", "admonition", id))?;
    a.attachments = journal::load_attachments(conn, id)?;
    Ok(a)
}

fn current_state(tx: &Transaction<'_>, id: &str) -> Result<AdmonitionState> {
    table::state_of(tx, id)?.ok_or_else(|| WorkflowError::not_found("效能告诫书", "admonition", id))
}

/// Checks the transition, runs `apply` (the UPDATE of the step's own columns), sets the state
/// and records the step; all in one transaction.
fn advance(
    db: &mut Db,
    actor: &Actor,
    id: &str,
    action: AdmonitionAction,
    now: DateTime<Utc>,
    apply: impl FnOnce(&Transaction<'_>) -> Result<serde_json::Value>,
) -> Result<Admonition> {
    db.write(|tx| {
        let from = current_state(tx, id)?;
        let to = next_state(from, action).ok_or_else(|| illegal(id, from, action))?;
        let details = apply(tx)?;
        table::set_state(tx, id, to)?;
        journal::record(
            tx,
            actor,
            now,
            Step {
                workflow: "admonition",
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

pub struct NewDraft<'a> {
    /// One or several active yellow cards of the same unit.
    pub card_ids: &'a [String],
    /// 主送 (defaults to the cards' unit when empty).
    pub addressee: &'a str,
    /// The letter's text as drafted from the template.
    pub body: &'a str,
}

/// Drafts a letter from one or several active cards of one unit (Art. B7). A card already in
/// a letter that is not discarded cannot be used again.
pub fn draft(
    db: &mut Db,
    session: &mut Session,
    d: &NewDraft<'_>,
    now: DateTime<Utc>,
) -> Result<Admonition> {
    let actor = authorize(session, Action::DraftAdmonition, now)?;
    let body = required("body", d.body)?;
    if d.card_ids.is_empty() {
        return Err(WorkflowError::invalid(
            "card_ids",
            "至少选择一张警告牌 (at least one card)",
        ));
    }
    let mut cards: Vec<Card> = Vec::new();
    for cid in d.card_ids {
        let c = cards::load(db.conn(), cid)?;
        if c.color != CardColor::Yellow {
            // Art. B7: the letter follows a yellow card; a red card goes to investigation (B8).
            return Err(WorkflowError::invalid(
                "card_ids",
                format!(
                    "{cid} 是{}，效能告诫书只针对黄牌 (only yellow cards)",
                    c.color.label()
                ),
            ));
        }
        if c.state != CardState::Active {
            return Err(WorkflowError::invalid(
                "card_ids",
                format!(
                    "警告牌 {cid} 状态为{}，不能用于告诫书 (card not active)",
                    c.state
                ),
            ));
        }
        if cards.iter().any(|x| x.id == c.id) {
            return Err(WorkflowError::invalid(
                "card_ids",
                format!("警告牌 {cid} 重复 (duplicate)"),
            ));
        }
        cards.push(c);
    }
    let unit = cards[0].unit.clone();
    if let Some(other) = cards.iter().find(|c| c.unit != unit) {
        return Err(WorkflowError::invalid(
            "card_ids",
            format!(
                "告诫书只能针对一个单位：{} 与 {} 不同 (cards of several units)",
                unit, other.unit
            ),
        ));
    }
    let addressee = if d.addressee.trim().is_empty() {
        unit.clone()
    } else {
        d.addressee.trim().to_string()
    };
    let id = new_id(now);
    db.write(|tx| {
        for c in &cards {
            if let Some(other) = table::letter_using_card(tx, &c.id)? {
                return Err(WorkflowError::invalid(
                    "card_ids",
                    format!("警告牌 {} 已用于告诫书 {other} (card already in a letter)", c.id),
                ));
            }
        }
        let card_ids: Vec<&str> = cards.iter().map(|c| c.id.as_str()).collect();
        table::insert(
            tx,
            &NewAdmonitionRow {
                id: &id,
                unit: &unit,
                addressee: &addressee,
                body: &body,
                card_ids: &card_ids,
                created_at: now,
                created_by: &actor.name,
                workstation: &actor.workstation,
            },
        )?;
        journal::record(tx, &actor, now, Step {
            workflow: "admonition",
            subject_id: &id,
            from: None,
            to: AdmonitionState::Draft.code(),
            action: "draft",
            details: serde_json::json!({ "unit": unit, "addressee": addressee, "cards": d.card_ids }),
        })
    })?;
    load(db.conn(), &id)
}

/// Edits the addressee and text (draft or numbered, not after issue).
pub fn edit(
    db: &mut Db,
    session: &mut Session,
    id: &str,
    addressee: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<Admonition> {
    let actor = authorize(session, Action::EditAdmonition, now)?;
    let addressee = required("addressee", addressee)?;
    let body = required("body", body)?;
    advance(db, &actor, id, AdmonitionAction::Edit, now, |tx| {
        table::update(
            tx,
            id,
            &Change::Text {
                addressee: &addressee,
                body: &body,
            },
        )?;
        Ok(serde_json::json!({ "addressee": addressee, "body_chars": body.chars().count() }))
    })
}

/// Assigns the next 文号 of the year (configurable prefix).
pub fn assign_number(
    db: &mut Db,
    session: &mut Session,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Admonition> {
    let actor = authorize(session, Action::NumberAdmonition, now)?;
    let prefix = settings::load(db.conn())?.admonition_prefix;
    let a2 = actor.clone();
    advance(db, &actor, id, AdmonitionAction::AssignNumber, now, |tx| {
        let n = numbering::allocate(tx, LetterKind::Admonition, &prefix, id, &a2, now)?;
        table::update(
            tx,
            id,
            &Change::Number {
                number: &n.text,
                at: now,
            },
        )?;
        Ok(serde_json::json!({ "number": n.text, "year": n.year, "seq": n.seq }))
    })
}

/// Issues the letter: the rectification report is due `rectification.days` working days
/// after the CST date of issue (Art. B9).
pub fn issue(
    db: &mut Db,
    session: &mut Session,
    cal: &dyn WorkCalendar,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Admonition> {
    let actor = authorize(session, Action::IssueAdmonition, now)?;
    let days = settings::load(db.conn())?.rectification_days;
    let due = cal.add_workdays(cst_date(now), days);
    advance(db, &actor, id, AdmonitionAction::Issue, now, |tx| {
        table::update(
            tx,
            id,
            &Change::Issued {
                at: now,
                by: &actor.name,
                report_due: due,
            },
        )?;
        Ok(serde_json::json!({ "report_due": fmt_date(due), "rectification_days": days }))
    })
}

/// Records the unit's written rectification report (Art. B9) with the document.
pub fn receive_report(
    db: &mut Db,
    session: &mut Session,
    id: &str,
    report: &Attachment,
    received_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Admonition> {
    let actor = authorize(session, Action::RecordRectification, now)?;
    report.validate("report")?;
    if received_at > now {
        return Err(WorkflowError::invalid(
            "received_at",
            "收到时间不能晚于当前时间 (in the future)",
        ));
    }
    advance(db, &actor, id, AdmonitionAction::ReceiveReport, now, |tx| {
        table::update(tx, id, &Change::ReportReceived { at: received_at })?;
        journal::add_attachments(
            tx,
            &actor,
            now,
            id,
            "rectification_report",
            std::slice::from_ref(report),
        )?;
        Ok(
            serde_json::json!({ "received_at": fmt_instant(received_at), "report": journal::attachments_json(std::slice::from_ref(report)) }),
        )
    })
}

/// Files the matter (建档备查, Art. B9).
pub fn file(
    db: &mut Db,
    session: &mut Session,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Admonition> {
    let actor = authorize(session, Action::FileAdmonition, now)?;
    advance(db, &actor, id, AdmonitionAction::File, now, |tx| {
        table::update(tx, id, &Change::Filed { at: now })?;
        Ok(serde_json::json!({}))
    })
}

/// Discards a draft or a numbered letter (its number stays consumed and is never reused).
pub fn discard(
    db: &mut Db,
    session: &mut Session,
    id: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Admonition> {
    let actor = authorize(session, Action::DiscardAdmonition, now)?;
    let reason = required("reason", reason)?;
    advance(db, &actor, id, AdmonitionAction::Discard, now, |tx| {
        table::update(
            tx,
            id,
            &Change::Discarded {
                at: now,
                reason: &reason,
            },
        )?;
        Ok(serde_json::json!({ "reason": reason }))
    })
}

pub fn get(db: &Db, session: &mut Session, id: &str, now: DateTime<Utc>) -> Result<Admonition> {
    authorize(session, Action::View, now)?;
    load(db.conn(), id)
}

/// The steps of one letter, oldest first (who, when, where).
pub fn history(
    db: &Db,
    session: &mut Session,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Transition>> {
    authorize(session, Action::View, now)?;
    journal::load_history(db.conn(), id)
}

#[derive(Debug, Clone, Default)]
pub struct AdmonitionFilter {
    pub state: Option<AdmonitionState>,
    pub unit: Option<String>,
    /// Letters that include a card of this case.
    pub case_id: Option<String>,
}

/// The 文书 list: letters matching the filter, newest first.
pub fn list(
    db: &Db,
    session: &mut Session,
    f: &AdmonitionFilter,
    now: DateTime<Utc>,
) -> Result<Vec<Admonition>> {
    authorize(session, Action::View, now)?;
    let conn = db.conn();
    // Letters that include a card of the case: through the case's cards (wf_cards is the
    // cards' table, read through its own module).
    let case_cards: Option<HashSet<String>> = match &f.case_id {
        Some(case_id) => Some(
            card_table::ids_of_case(conn, case_id)?
                .into_iter()
                .collect(),
        ),
        None => None,
    };
    let mut out = Vec::new();
    for id in table::ids(conn, f.state, f.unit.as_deref())? {
        let a = load(conn, &id)?;
        if case_cards
            .as_ref()
            .is_none_or(|cs| a.card_ids.iter().any(|c| cs.contains(c)))
        {
            out.push(a);
        }
    }
    Ok(out)
}

labeled_enum! {
    /// The rectification deadline's own signal (Art. B9), at an instant.
    pub enum RectificationSignal {
        NotIssued = ("not_issued", "未签发"),
        OnTime = ("on_time", "整改期内"),
        Warning = ("warning", "整改期限将到"),
        Overdue = ("overdue", "整改报告逾期"),
        Received = ("received", "已报告"),
    }
}

/// The rectification signal at `at`: `Warning` from 00:00 CST of the working day that is
/// `lead` working days before the due day (never before the issue day), `Overdue` from 00:00
/// CST of the calendar day after the due day; `Received` once the report is in (a report
/// received late stays `Received`; its date shows the lateness).
pub fn rectification_signal(
    a: &Admonition,
    cal: &dyn WorkCalendar,
    lead: u32,
    at: DateTime<Utc>,
) -> RectificationSignal {
    let (Some(due), Some(issued)) = (a.report_due, a.issued_at) else {
        return RectificationSignal::NotIssued;
    };
    if a.report_received_at.is_some()
        || matches!(
            a.state,
            AdmonitionState::ReportReceived | AdmonitionState::Filed
        )
    {
        return RectificationSignal::Received;
    }
    let today = cst_date(at);
    if today > due {
        return RectificationSignal::Overdue;
    }
    let warn_from = workdays_before(cal, due, lead, cst_date(issued));
    if today >= warn_from {
        RectificationSignal::Warning
    } else {
        RectificationSignal::OnTime
    }
}

/// Letters awaiting a rectification report, with their signal at `now`, due date first.
pub fn rectification_queue(
    db: &Db,
    session: &mut Session,
    cal: &dyn WorkCalendar,
    now: DateTime<Utc>,
) -> Result<Vec<(Admonition, RectificationSignal)>> {
    let lead = settings::load(db.conn())?.rectification_warning_lead;
    let mut v = list(
        db,
        session,
        &AdmonitionFilter {
            state: Some(AdmonitionState::Issued),
            ..Default::default()
        },
        now,
    )?;
    v.sort_by(|a, b| a.report_due.cmp(&b.report_due).then(a.id.cmp(&b.id)));
    Ok(v.into_iter()
        .map(|a| {
            let s = rectification_signal(&a, cal, lead, now);
            (a, s)
        })
        .collect())
}
