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
use jiancha_store::rusqlite::{params, Connection, OptionalExtension, Row};
use jiancha_store::Db;

use crate::auth::{authorize, Action, Approval, Session};
use crate::journal::{self, Step, StoredAttachment};
use crate::util::{
    fmt_instant, new_id, optional, parse_instant, parse_opt_instant, required, Attachment,
};
use crate::{settings, Result, WorkflowError};

labeled_enum! {
    pub enum CardColor {
        Yellow = ("yellow", "黄牌"),
        Red = ("red", "红牌"),
    }
}

labeled_enum! {
    pub enum CardOrigin {
        /// From the case clock (Art. B5 (2)/(3), time limit passed).
        Signal = ("signal", "时限信号"),
        /// Raised by an officer for an Art. B4 situation.
        Manual = ("manual", "人工发牌"),
    }
}

labeled_enum! {
    /// The thirteen situations of Art. B4 (预警纠错办法 第四条 (一)–(十三)). Item (十二) in the
    /// source also carries the sentence on transferred complaints not handled in time; it is
    /// kept in the same item, as the source numbers it.
    pub enum Situation {
        LawViolation = ("b4_01", "（一）违反法律法规和规章制度，错误实施公务活动"),
        ProcedureViolation = ("b4_02", "（二）违反法定条件、权限和程序从事公务活动"),
        TimeLimit = ("b4_03", "（三）违反行政服务承诺时限"),
        Publication = ("b4_04", "（四）违反政务公开规定，未及时、全面、真实公开信息"),
        DataReporting = ("b4_05", "（五）漏报、错报和不按时报送数据信息"),
        SettingsNotUpdated = ("b4_06", "（六）法律法规发生变更不及时修正系统设置"),
        EvadingSupervision = ("b4_07", "（七）逃避、拒绝接受电子监察系统监督检查"),
        OutsidePlatform = ("b4_08", "（八）未在全市统一电子政务平台办理、协同配合不力、不按目录提供数据"),
        SecurityBreach = ("b4_09", "（九）违反电子政务安全规范，造成传输中断或危害网络运行"),
        SecretLeak = ("b4_10", "（十）违反保密规定，泄露国家秘密、商业秘密或个人隐私"),
        DisciplineLapse = ("b4_11", "（十一）违反网络管理工作纪律，影响网络运行"),
        UncorrectedYellowCard = ("b4_12", "（十二）黄牌警告未在规定期限纠正造成不良影响；转办投诉未按期查处反馈"),
        Other = ("b4_13", "（十三）其他违反规定，需要预警纠错的情形"),
    }
}

labeled_enum! {
    pub enum CardState {
        Active = ("active", "有效"),
        Exempted = ("exempted", "已免责"),
        Revoked = ("revoked", "已撤销"),
    }
}

labeled_enum! {
    pub enum CardAction {
        Exempt = ("exempt", "免责"),
        Revoke = ("revoke", "撤销"),
    }
}

labeled_enum! {
    /// Grounds for exemption or revocation (预警纠错办法, the exemptions after Art. B10).
    pub enum ReliefGround {
        FalsifiedMaterial = ("falsified_material", "申请人弄虚作假，致使承办人员无法作出正确判断"),
        ForceMajeure = ("force_majeure", "不可抗力"),
        Other = ("other", "其他"),
    }
}

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relief {
    pub action: CardAction,
    pub ground: ReliefGround,
    pub reason: String,
    pub at: DateTime<Utc>,
    /// Who recorded it (the session's user).
    pub by: String,
    /// The leader whose credentials approved it.
    pub approved_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub id: String,
    pub color: CardColor,
    pub origin: CardOrigin,
    pub case_id: Option<String>,
    pub unit: String,
    pub person: Option<String>,
    pub situation: Option<Situation>,
    pub description: String,
    /// When the clock's signal began (signal cards).
    pub signal_at: Option<DateTime<Utc>>,
    pub state: CardState,
    pub raised_at: DateTime<Utc>,
    pub raised_by: String,
    pub workstation: String,
    pub relief: Option<Relief>,
    pub evidence: Vec<StoredAttachment>,
}

const COLS: &str = "id, color, origin, case_id, unit, person, situation, description, signal_at, state, raised_at, raised_by, workstation, relief_ground, relief_reason, relieved_at, relieved_by, relief_approved_by";

fn corrupt(what: &str, v: &str) -> WorkflowError {
    WorkflowError::Corrupt(format!("{what} {v:?}"))
}

fn from_row(r: &Row<'_>) -> Result<Card> {
    let color: String = r.get(1)?;
    let origin: String = r.get(2)?;
    let situation: Option<String> = r.get(6)?;
    let state: String = r.get(9)?;
    let state = CardState::from_code(&state).ok_or_else(|| corrupt("card state", &state))?;
    let ground: Option<String> = r.get(13)?;
    let relief = match ground {
        Some(g) => Some(Relief {
            action: if state == CardState::Revoked {
                CardAction::Revoke
            } else {
                CardAction::Exempt
            },
            ground: ReliefGround::from_code(&g).ok_or_else(|| corrupt("relief ground", &g))?,
            reason: r.get::<_, Option<String>>(14)?.unwrap_or_default(),
            at: parse_instant(&r.get::<_, Option<String>>(15)?.unwrap_or_default())?,
            by: r.get::<_, Option<String>>(16)?.unwrap_or_default(),
            approved_by: r.get::<_, Option<String>>(17)?.unwrap_or_default(),
        }),
        None => None,
    };
    Ok(Card {
        id: r.get(0)?,
        color: CardColor::from_code(&color).ok_or_else(|| corrupt("card color", &color))?,
        origin: CardOrigin::from_code(&origin).ok_or_else(|| corrupt("card origin", &origin))?,
        case_id: r.get(3)?,
        unit: r.get(4)?,
        person: r.get(5)?,
        situation: situation
            .map(|s| Situation::from_code(&s).ok_or_else(|| corrupt("situation", &s)))
            .transpose()?,
        description: r.get(7)?,
        signal_at: parse_opt_instant(r.get(8)?)?,
        state,
        raised_at: parse_instant(&r.get::<_, String>(10)?)?,
        raised_by: r.get(11)?,
        workstation: r.get(12)?,
        relief,
        evidence: Vec::new(),
    })
}

pub(crate) fn load(conn: &Connection, id: &str) -> Result<Card> {
    let mut st = conn.prepare(&format!("SELECT {COLS} FROM wf_cards WHERE id = ?1"))?;
    let mut rows = st.query([id])?;
    let mut card = match rows.next()? {
        Some(r) => from_row(r)?,
        None => return Err(WorkflowError::not_found("警告牌", "card", id)),
    };
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
        let existing: Option<String> = tx
            .query_row(
                "SELECT id FROM wf_cards WHERE origin = 'signal' AND case_id = ?1 AND color = ?2",
                params![case_id, color.code()],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = existing {
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
        tx.execute(
            "INSERT INTO wf_cards(id, color, origin, case_id, unit, person, description, signal_at, state, raised_at, raised_by, workstation)
             VALUES (?1, ?2, 'signal', ?3, ?4, ?5, ?6, ?7, 'active', ?8, ?9, ?10)",
            params![id, color.code(), case_id, unit, person, description, fmt_instant(signal_at), fmt_instant(now), actor.name, actor.workstation],
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
        tx.execute(
            "INSERT INTO wf_cards(id, color, origin, case_id, unit, person, situation, description, state, raised_at, raised_by, workstation)
             VALUES (?1, ?2, 'manual', ?3, ?4, ?5, ?6, ?7, 'active', ?8, ?9, ?10)",
            params![id, m.color.code(), case_id, unit, person, m.situation.code(), description, fmt_instant(now), actor.name, actor.workstation],
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
        let state: Option<String> = tx
            .query_row("SELECT state FROM wf_cards WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        let state = state.ok_or_else(|| WorkflowError::not_found("警告牌", "card", id))?;
        let state = CardState::from_code(&state).ok_or_else(|| corrupt("card state", &state))?;
        let next = next_state(state, action).ok_or_else(|| WorkflowError::IllegalTransition {
            workflow: "警告牌",
            id: id.to_string(),
            state: state.to_string(),
            state_code: state.code(),
            action: action.to_string(),
            action_code: action.code(),
        })?;
        tx.execute(
            "UPDATE wf_cards SET state = ?2, relief_ground = ?3, relief_reason = ?4, relieved_at = ?5, relieved_by = ?6, relief_approved_by = ?7 WHERE id = ?1",
            params![id, next.code(), ground.code(), reason, fmt_instant(now), actor.name, approval.leader_username()],
        )?;
        journal::record(tx, &actor, now, Step {
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
        })
    })?;
    load(db.conn(), id)
}

/// One card with its evidence.
pub fn get(db: &Db, session: &mut Session, id: &str, now: DateTime<Utc>) -> Result<Card> {
    authorize(session, Action::View, now)?;
    load(db.conn(), id)
}

#[derive(Debug, Clone, Default)]
pub struct CardFilter {
    pub unit: Option<String>,
    pub case_id: Option<String>,
    pub color: Option<CardColor>,
    pub state: Option<CardState>,
}

/// Cards matching the filter, newest first (without evidence; use [`get`] for one card).
pub fn list(
    db: &Db,
    session: &mut Session,
    f: &CardFilter,
    now: DateTime<Utc>,
) -> Result<Vec<Card>> {
    authorize(session, Action::View, now)?;
    let mut st = db.conn().prepare(&format!(
        "SELECT {COLS} FROM wf_cards
         WHERE (?1 IS NULL OR unit = ?1) AND (?2 IS NULL OR case_id = ?2)
           AND (?3 IS NULL OR color = ?3) AND (?4 IS NULL OR state = ?4)
         ORDER BY raised_at DESC, id DESC"
    ))?;
    let mut rows = st.query(params![
        f.unit,
        f.case_id,
        f.color.map(|c| c.code()),
        f.state.map(|s| s.code())
    ])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(from_row(r)?);
    }
    Ok(out)
}
