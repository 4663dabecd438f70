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

use chrono::{DateTime, NaiveDate, Utc};
use jiancha_store::rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use jiancha_store::Db;

use crate::auth::{authorize, Action, Actor, Session};
use crate::calendar::{workdays_before, WorkCalendar};
use crate::cards::{self, Card, CardColor, CardState};
use crate::journal::{self, Step, StoredAttachment, Transition};
use crate::numbering::{self, LetterKind};
use crate::util::{
    cst_date, fmt_date, fmt_instant, new_id, parse_instant, parse_opt_date, parse_opt_instant,
    required, Attachment,
};
use crate::{settings, Result, WorkflowError};

labeled_enum! {
    pub enum AdmonitionState {
        Draft = ("draft", "草稿"),
        Numbered = ("numbered", "已编号待签发"),
        /// Issued and awaiting the unit's written rectification report (Art. B9).
        Issued = ("issued", "已签发，待整改报告"),
        ReportReceived = ("report_received", "已收到整改报告"),
        /// 建档备查 (Art. B9).
        Filed = ("filed", "已建档备查"),
        Discarded = ("discarded", "已作废"),
    }
}

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admonition {
    pub id: String,
    pub unit: String,
    /// 主送: the unit the letter is addressed to.
    pub addressee: String,
    /// The free text of the letter (facts, requirements), as edited by the officer.
    pub body: String,
    pub state: AdmonitionState,
    /// 文号, once assigned.
    pub number: Option<String>,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub workstation: String,
    pub numbered_at: Option<DateTime<Utc>>,
    pub issued_at: Option<DateTime<Utc>>,
    pub issued_by: Option<String>,
    /// Last day (CST) for the unit's written rectification report.
    pub report_due: Option<NaiveDate>,
    pub report_received_at: Option<DateTime<Utc>>,
    pub filed_at: Option<DateTime<Utc>>,
    pub discarded_at: Option<DateTime<Utc>>,
    pub discard_reason: Option<String>,
    pub card_ids: Vec<String>,
    /// The rectification report and any other documents.
    pub attachments: Vec<StoredAttachment>,
}

const COLS: &str = "id, unit, addressee, body, state, number, created_at, created_by, workstation, numbered_at, issued_at, issued_by, report_due, report_received_at, filed_at, discarded_at, discard_reason";

fn from_row(r: &Row<'_>) -> Result<Admonition> {
    let state: String = r.get(4)?;
    Ok(Admonition {
        id: r.get(0)?,
        unit: r.get(1)?,
        addressee: r.get(2)?,
        body: r.get(3)?,
        state: AdmonitionState::from_code(&state)
            .ok_or_else(|| WorkflowError::Corrupt(format!("admonition state {state:?}")))?,
        number: r.get(5)?,
        created_at: parse_instant(&r.get::<_, String>(6)?)?,
        created_by: r.get(7)?,
        workstation: r.get(8)?,
        numbered_at: parse_opt_instant(r.get(9)?)?,
        issued_at: parse_opt_instant(r.get(10)?)?,
        issued_by: r.get(11)?,
        report_due: parse_opt_date(r.get(12)?)?,
        report_received_at: parse_opt_instant(r.get(13)?)?,
        filed_at: parse_opt_instant(r.get(14)?)?,
        discarded_at: parse_opt_instant(r.get(15)?)?,
        discard_reason: r.get(16)?,
        card_ids: Vec::new(),
        attachments: Vec::new(),
    })
}

fn load(conn: &Connection, id: &str) -> Result<Admonition> {
    let mut st = conn.prepare(&format!("SELECT {COLS} FROM wf_admonitions WHERE id = ?1"))?;
    let mut rows = st.query([id])?;
    let mut a = match rows.next()? {
        Some(r) => from_row(r)?,
        None => return Err(WorkflowError::not_found("效能告诫书", "admonition", id)),
    };
    let mut st = conn.prepare(
        "SELECT card_id FROM wf_admonition_cards WHERE admonition_id = ?1 ORDER BY card_id",
    )?;
    a.card_ids = st
        .query_map([id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    a.attachments = journal::load_attachments(conn, id)?;
    Ok(a)
}

fn current_state(tx: &Transaction<'_>, id: &str) -> Result<AdmonitionState> {
    let s: Option<String> = tx
        .query_row(
            "SELECT state FROM wf_admonitions WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    let s = s.ok_or_else(|| WorkflowError::not_found("效能告诫书", "admonition", id))?;
    AdmonitionState::from_code(&s)
        .ok_or_else(|| WorkflowError::Corrupt(format!("admonition state {s:?}")))
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
        tx.execute(
            "UPDATE wf_admonitions SET state = ?2 WHERE id = ?1",
            params![id, to.code()],
        )?;
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
            let used: Option<String> = tx
                .query_row(
                    "SELECT a.id FROM wf_admonition_cards ac JOIN wf_admonitions a ON a.id = ac.admonition_id
                     WHERE ac.card_id = ?1 AND a.state <> 'discarded'",
                    [&c.id],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(other) = used {
                return Err(WorkflowError::invalid(
                    "card_ids",
                    format!("警告牌 {} 已用于告诫书 {other} (card already in a letter)", c.id),
                ));
            }
        }
        tx.execute(
            "INSERT INTO wf_admonitions(id, unit, addressee, body, state, created_at, created_by, workstation)
             VALUES (?1, ?2, ?3, ?4, 'draft', ?5, ?6, ?7)",
            params![id, unit, addressee, body, fmt_instant(now), actor.name, actor.workstation],
        )?;
        for c in &cards {
            tx.execute("INSERT INTO wf_admonition_cards(admonition_id, card_id) VALUES (?1, ?2)", params![id, c.id])?;
        }
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
        tx.execute(
            "UPDATE wf_admonitions SET addressee = ?2, body = ?3 WHERE id = ?1",
            params![id, addressee, body],
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
        tx.execute(
            "UPDATE wf_admonitions SET number = ?2, numbered_at = ?3 WHERE id = ?1",
            params![id, n.text, fmt_instant(now)],
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
        tx.execute(
            "UPDATE wf_admonitions SET issued_at = ?2, issued_by = ?3, report_due = ?4 WHERE id = ?1",
            params![id, fmt_instant(now), actor.name, fmt_date(due)],
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
        tx.execute(
            "UPDATE wf_admonitions SET report_received_at = ?2 WHERE id = ?1",
            params![id, fmt_instant(received_at)],
        )?;
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
        tx.execute(
            "UPDATE wf_admonitions SET filed_at = ?2 WHERE id = ?1",
            params![id, fmt_instant(now)],
        )?;
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
        tx.execute(
            "UPDATE wf_admonitions SET discarded_at = ?2, discard_reason = ?3 WHERE id = ?1",
            params![id, fmt_instant(now), reason],
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
    let mut st = conn.prepare(&format!(
        "SELECT {COLS} FROM wf_admonitions a
         WHERE (?1 IS NULL OR a.state = ?1) AND (?2 IS NULL OR a.unit = ?2)
           AND (?3 IS NULL OR EXISTS (SELECT 1 FROM wf_admonition_cards ac JOIN wf_cards c ON c.id = ac.card_id
                                      WHERE ac.admonition_id = a.id AND c.case_id = ?3))
         ORDER BY a.created_at DESC, a.id DESC"
    ))?;
    let mut rows = st.query(params![f.state.map(|s| s.code()), f.unit, f.case_id])?;
    let mut ids = Vec::new();
    while let Some(r) = rows.next()? {
        ids.push(from_row(r)?.id);
    }
    ids.iter().map(|id| load(conn, id)).collect()
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
