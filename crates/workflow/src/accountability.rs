//! Accountability measures (Art. B10) recorded against persons and units, with the date and
//! the decision document. A measure is a record, not a workflow: it is created once (with
//! who/when/where and an audit entry) and never edited; a correction is a new record.

use chrono::{DateTime, NaiveDate, Utc};
use jiancha_store::rusqlite::{params, Row};
use jiancha_store::Db;

use crate::auth::{authorize, Action, Session};
use crate::journal::{self, Step, StoredAttachment};
use crate::util::{
    cst_date, fmt_date, fmt_instant, new_id, optional, parse_date, parse_instant, required,
    Attachment,
};
use crate::{Result, WorkflowError};

labeled_enum! {
    /// 预警纠错办法 第十条 (一)–(五).
    pub enum MeasureKind {
        AdmonitionTalk = ("admonition_talk", "（一）诫勉谈话"),
        EfficiencyAdmonition = ("efficiency_admonition", "（一）效能告诫"),
        WrittenSelfExamination = ("self_examination", "（二）责令作出书面检查"),
        CirculatedCriticism = ("circulated_criticism", "（三）通报批评"),
        SuspensionForExamination = ("suspension", "（四）停职检查"),
        Transfer = ("transfer", "（五）调离现任工作岗位"),
    }
}

labeled_enum! {
    pub enum TargetKind {
        Person = ("person", "个人"),
        Unit = ("unit", "单位"),
    }
}

impl MeasureKind {
    /// Which targets a measure can apply to: a talk, suspension or transfer concerns a person.
    pub fn applies_to(self, t: TargetKind) -> bool {
        match self {
            MeasureKind::AdmonitionTalk
            | MeasureKind::SuspensionForExamination
            | MeasureKind::Transfer => t == TargetKind::Person,
            MeasureKind::EfficiencyAdmonition
            | MeasureKind::WrittenSelfExamination
            | MeasureKind::CirculatedCriticism => true,
        }
    }
}

pub struct NewMeasure<'a> {
    pub target_kind: TargetKind,
    /// The person's name, or the unit's name.
    pub target_name: &'a str,
    /// The unit concerned (for a unit target, the same as `target_name`).
    pub unit: &'a str,
    pub kind: MeasureKind,
    pub decided_on: NaiveDate,
    /// The decision document's 文号 or title.
    pub decision_doc: &'a str,
    /// The decision document's file, when there is one.
    pub decision_file: Option<&'a Attachment>,
    /// The card, letter or red-card matter it follows from.
    pub source_id: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measure {
    pub id: String,
    pub target_kind: TargetKind,
    pub target_name: String,
    pub unit: String,
    pub kind: MeasureKind,
    pub decided_on: NaiveDate,
    pub decision_doc: String,
    pub source_id: Option<String>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
    pub workstation: String,
    pub attachments: Vec<StoredAttachment>,
}

fn from_row(r: &Row<'_>) -> Result<Measure> {
    let tk: String = r.get(1)?;
    let kind: String = r.get(4)?;
    Ok(Measure {
        id: r.get(0)?,
        target_kind: TargetKind::from_code(&tk)
            .ok_or_else(|| WorkflowError::Corrupt(format!("target kind {tk:?}")))?,
        target_name: r.get(2)?,
        unit: r.get(3)?,
        kind: MeasureKind::from_code(&kind)
            .ok_or_else(|| WorkflowError::Corrupt(format!("measure kind {kind:?}")))?,
        decided_on: parse_date(&r.get::<_, String>(5)?)?,
        decision_doc: r.get(6)?,
        source_id: r.get(7)?,
        recorded_at: parse_instant(&r.get::<_, String>(8)?)?,
        recorded_by: r.get(9)?,
        workstation: r.get(10)?,
        attachments: Vec::new(),
    })
}

const COLS: &str = "id, target_kind, target_name, unit, kind, decided_on, decision_doc, source_id, recorded_at, recorded_by, workstation";

/// Records a measure (Art. B10).
pub fn record(
    db: &mut Db,
    session: &mut Session,
    m: &NewMeasure<'_>,
    now: DateTime<Utc>,
) -> Result<Measure> {
    let actor = authorize(session, Action::RecordMeasure, now)?;
    let target = required("target_name", m.target_name)?;
    let unit = required("unit", m.unit)?;
    let doc = required("decision_doc", m.decision_doc)?;
    if !m.kind.applies_to(m.target_kind) {
        return Err(WorkflowError::invalid(
            "kind",
            format!(
                "{}只适用于个人，不能对单位作出 (measure applies to persons only)",
                m.kind.label()
            ),
        ));
    }
    if m.decided_on > cst_date(now) {
        return Err(WorkflowError::invalid(
            "decided_on",
            "决定日期不能晚于今天 (in the future)",
        ));
    }
    if let Some(a) = m.decision_file {
        a.validate("decision_file")?;
    }
    let source = optional(m.source_id);
    let id = new_id(now);
    db.write(|tx| {
        tx.execute(
            &format!("INSERT INTO wf_measures({COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"),
            params![id, m.target_kind.code(), target, unit, m.kind.code(), fmt_date(m.decided_on), doc, source, fmt_instant(now), actor.name, actor.workstation],
        )?;
        if let Some(a) = m.decision_file {
            journal::add_attachments(tx, &actor, now, &id, "decision", std::slice::from_ref(a))?;
        }
        journal::record(tx, &actor, now, Step {
            workflow: "measure",
            subject_id: &id,
            from: None,
            to: "recorded",
            action: "record",
            details: serde_json::json!({
                "target_kind": m.target_kind.code(), "target_name": target, "unit": unit,
                "kind": m.kind.code(), "decided_on": fmt_date(m.decided_on), "decision_doc": doc, "source_id": source,
            }),
        })
    })?;
    let mut out = list(db, session, Some(&unit), now)?;
    out.retain(|x| x.id == id);
    out.pop()
        .ok_or_else(|| WorkflowError::not_found("责任追究", "measure", &id))
}

/// Measures, newest decision first, optionally of one unit.
pub fn list(
    db: &Db,
    session: &mut Session,
    unit: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<Measure>> {
    authorize(session, Action::View, now)?;
    let mut st = db.conn().prepare(&format!(
        "SELECT {COLS} FROM wf_measures WHERE (?1 IS NULL OR unit = ?1) ORDER BY decided_on DESC, recorded_at DESC, id"
    ))?;
    let mut rows = st.query(params![unit.map(str::trim)])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut m = from_row(r)?;
        m.attachments = journal::load_attachments(db.conn(), &m.id)?;
        out.push(m);
    }
    Ok(out)
}
