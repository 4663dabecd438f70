//! `wf_red_cases`: red-card investigations (Arts. B8, B9), one per red card, with the state,
//! the deadline of the open step and each step's particulars. The state machine is
//! `crate::redcard`; documents are in `wf_attachments`.

use chrono::{DateTime, NaiveDate, Utc};
use jiancha_store::rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use crate::db::attachments::StoredAttachment;
use crate::util::{fmt_date, fmt_instant, parse_instant, parse_opt_date};
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

fn state(code: &str) -> Result<RedState> {
    RedState::from_code(code).ok_or_else(|| corrupt("red-card state", code))
}

// ------------------------------------------------------------------------------------ reads

/// One matter, if it exists (without its attachments).
pub fn get(conn: &Connection, id: &str) -> Result<Option<RedCase>> {
    let mut st = conn.prepare(&format!("SELECT {COLS} FROM wf_red_cases WHERE id = ?1"))?;
    let mut rows = st.query([id])?;
    rows.next()?.map(from_row).transpose()
}

/// The state of a matter, if it exists.
pub fn state_of(conn: &Connection, id: &str) -> Result<Option<RedState>> {
    let cur: Option<String> = conn
        .query_row("SELECT state FROM wf_red_cases WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    cur.map(|s| state(&s)).transpose()
}

/// The matter of a red card, if it was submitted (one per card).
pub fn id_for_card(conn: &Connection, card_id: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT id FROM wf_red_cases WHERE card_id = ?1",
            [card_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// The ids of the matters (optionally of one state), newest first.
pub fn ids(conn: &Connection, state: Option<RedState>) -> Result<Vec<String>> {
    let mut st = conn.prepare(
        "SELECT id FROM wf_red_cases WHERE (?1 IS NULL OR state = ?1) ORDER BY created_at DESC, id DESC",
    )?;
    let rows = st.query_map(params![state.map(|s| s.code())], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every matter not yet filed, by deadline (earliest first); `overdue` when `today` (CST) is
/// past the deadline.
pub fn open_steps(conn: &Connection, today: NaiveDate) -> Result<Vec<OpenStep>> {
    let mut st = conn.prepare(
        "SELECT id, card_id, unit, state, state_since, step_due FROM wf_red_cases
         WHERE state <> 'filed' AND step_due IS NOT NULL ORDER BY step_due, state_since, id",
    )?;
    let mut rows = st.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let due = parse_opt_date(r.get(5)?)?.ok_or_else(|| corrupt("step_due", ""))?;
        out.push(OpenStep {
            red_case_id: r.get(0)?,
            card_id: r.get(1)?,
            unit: r.get(2)?,
            state: state(&r.get::<_, String>(3)?)?,
            since: parse_instant(&r.get::<_, String>(4)?)?,
            due,
            overdue: today > due,
        });
    }
    Ok(out)
}

// ----------------------------------------------------------------------------------- writes

/// A new matter, stored `pending_approval` (state since and created at `created_at`).
pub(crate) struct NewRedCaseRow<'a> {
    pub id: &'a str,
    pub card_id: &'a str,
    pub unit: &'a str,
    pub summary: &'a str,
    pub step_due: Option<&'a str>,
    pub created_at: DateTime<Utc>,
    pub created_by: &'a str,
    pub workstation: &'a str,
}

pub(crate) fn insert(tx: &Transaction<'_>, c: &NewRedCaseRow<'_>) -> Result<()> {
    tx.execute(
        "INSERT INTO wf_red_cases(id, card_id, unit, summary, state, state_since, step_due, created_at, created_by, workstation)
         VALUES (?1, ?2, ?3, ?4, 'pending_approval', ?5, ?6, ?5, ?7, ?8)",
        params![
            c.id,
            c.card_id,
            c.unit,
            c.summary,
            fmt_instant(c.created_at),
            c.step_due,
            c.created_by,
            c.workstation
        ],
    )?;
    Ok(())
}

/// Sets the state, when it was entered and the deadline of the new step (`None`: filed).
pub(crate) fn set_state(
    tx: &Transaction<'_>,
    id: &str,
    to: RedState,
    since: DateTime<Utc>,
    step_due: Option<&str>,
) -> Result<()> {
    tx.execute(
        "UPDATE wf_red_cases SET state = ?2, state_since = ?3, step_due = ?4 WHERE id = ?1",
        params![id, to.code(), fmt_instant(since), step_due],
    )?;
    Ok(())
}

/// The columns a step sets besides the state.
pub(crate) enum Change<'a> {
    Approved {
        by: &'a str,
        opinion: Option<&'a str>,
    },
    Rejected {
        by: &'a str,
        reason: &'a str,
    },
    Direct {
        investigators: &'a str,
    },
    Notice {
        number: &'a str,
        addressee: &'a str,
    },
    Findings(&'a str),
    Proposal {
        outcome: Outcome,
        reason: &'a str,
    },
    Decision(&'a Decision),
    HandedOver(&'a str),
    ClosingNote(&'a str),
}

pub(crate) fn update(tx: &Transaction<'_>, id: &str, change: &Change<'_>) -> Result<()> {
    match change {
        Change::Approved { by, opinion } => tx.execute(
            "UPDATE wf_red_cases SET approved_by = ?2, approval_opinion = ?3 WHERE id = ?1",
            params![id, by, opinion],
        ),
        Change::Rejected { by, reason } => tx.execute(
            "UPDATE wf_red_cases SET approved_by = ?2, rejection_reason = ?3 WHERE id = ?1",
            params![id, by, reason],
        ),
        Change::Direct { investigators } => tx.execute(
            "UPDATE wf_red_cases SET route = 'direct', investigators = ?2 WHERE id = ?1",
            params![id, investigators],
        ),
        Change::Notice { number, addressee } => tx.execute(
            "UPDATE wf_red_cases SET route = 'notice', notice_number = ?2, notice_addressee = ?3 WHERE id = ?1",
            params![id, number, addressee],
        ),
        Change::Findings(findings) => tx.execute(
            "UPDATE wf_red_cases SET findings = ?2 WHERE id = ?1",
            params![id, findings],
        ),
        Change::Proposal { outcome, reason } => tx.execute(
            "UPDATE wf_red_cases SET proposal = ?2, proposal_reason = ?3 WHERE id = ?1",
            params![id, outcome.code(), reason],
        ),
        Change::Decision(d) => tx.execute(
            "UPDATE wf_red_cases SET decision_outcome = ?2, decision_body = ?3, decision_date = ?4, decision_minutes = ?5 WHERE id = ?1",
            params![id, d.outcome.code(), d.body.code(), fmt_date(d.date), d.minutes_number],
        ),
        Change::HandedOver(to) => tx.execute(
            "UPDATE wf_red_cases SET handed_over_to = ?2 WHERE id = ?1",
            params![id, to],
        ),
        Change::ClosingNote(note) => tx.execute(
            "UPDATE wf_red_cases SET closing_note = ?2 WHERE id = ?1",
            params![id, note],
        ),
    }?;
    Ok(())
}
