//! `wf_cards`: yellow and red cards (Art. B5), from the case clock's signals or raised by hand
//! for an Art. B4 situation, with their exemption or revocation. The state machine is
//! `crate::cards`; a card's evidence is in `wf_attachments`.

use chrono::{DateTime, Utc};
use jiancha_store::rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use crate::db::attachments::StoredAttachment;
use crate::util::{fmt_instant, parse_instant, parse_opt_instant};
use crate::{Result, WorkflowError};

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

#[derive(Debug, Clone, Default)]
pub struct CardFilter {
    pub unit: Option<String>,
    pub case_id: Option<String>,
    pub color: Option<CardColor>,
    pub state: Option<CardState>,
}

// ------------------------------------------------------------------------------------ reads

/// One card, if it exists (without its evidence).
pub fn get(conn: &Connection, id: &str) -> Result<Option<Card>> {
    let mut st = conn.prepare(&format!("SELECT {COLS} FROM wf_cards WHERE id = ?1"))?;
    let mut rows = st.query([id])?;
    rows.next()?.map(from_row).transpose()
}

/// The state of a card, if it exists.
pub fn state_of(conn: &Connection, id: &str) -> Result<Option<CardState>> {
    let state: Option<String> = conn
        .query_row("SELECT state FROM wf_cards WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    state
        .map(|s| CardState::from_code(&s).ok_or_else(|| corrupt("card state", &s)))
        .transpose()
}

/// The card the clock's signal of `color` raised on a case, if registered.
pub fn signal_card_id(
    conn: &Connection,
    case_id: &str,
    color: CardColor,
) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT id FROM wf_cards WHERE origin = 'signal' AND case_id = ?1 AND color = ?2",
            params![case_id, color.code()],
            |r| r.get(0),
        )
        .optional()?)
}

/// The ids of the cards of one case (the letters and red-card matters of a case go through
/// them).
pub fn ids_of_case(conn: &Connection, case_id: &str) -> Result<Vec<String>> {
    let mut st = conn.prepare("SELECT id FROM wf_cards WHERE case_id = ?1 ORDER BY id")?;
    let rows = st.query_map([case_id], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Cards matching the filter, newest first (without evidence).
pub fn list(conn: &Connection, f: &CardFilter) -> Result<Vec<Card>> {
    let mut st = conn.prepare(&format!(
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

// ----------------------------------------------------------------------------------- writes

/// A new card, stored `active`.
pub(crate) struct NewCardRow<'a> {
    pub id: &'a str,
    pub color: CardColor,
    pub origin: CardOrigin,
    pub case_id: Option<&'a str>,
    pub unit: &'a str,
    pub person: Option<&'a str>,
    pub situation: Option<Situation>,
    pub description: &'a str,
    pub signal_at: Option<DateTime<Utc>>,
    pub raised_at: DateTime<Utc>,
    pub raised_by: &'a str,
    pub workstation: &'a str,
}

pub(crate) fn insert(tx: &Transaction<'_>, c: &NewCardRow<'_>) -> Result<()> {
    tx.execute(
        "INSERT INTO wf_cards(id, color, origin, case_id, unit, person, situation, description, signal_at, state, raised_at, raised_by, workstation)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'active', ?10, ?11, ?12)",
        params![
            c.id,
            c.color.code(),
            c.origin.code(),
            c.case_id,
            c.unit,
            c.person,
            c.situation.map(|s| s.code()),
            c.description,
            c.signal_at.map(fmt_instant),
            fmt_instant(c.raised_at),
            c.raised_by,
            c.workstation
        ],
    )?;
    Ok(())
}

/// Marks a card exempted or revoked (`to`), with the ground, reason, who and which leader.
pub(crate) fn set_relief(tx: &Transaction<'_>, id: &str, to: CardState, r: &Relief) -> Result<()> {
    tx.execute(
        "UPDATE wf_cards SET state = ?2, relief_ground = ?3, relief_reason = ?4, relieved_at = ?5, relieved_by = ?6, relief_approved_by = ?7 WHERE id = ?1",
        params![
            id,
            to.code(),
            r.ground.code(),
            r.reason,
            fmt_instant(r.at),
            r.by,
            r.approved_by
        ],
    )?;
    Ok(())
}
