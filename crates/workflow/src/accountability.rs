//! Accountability measures (Art. B10) recorded against persons and units, with the date and
//! the decision document. A measure is a record, not a workflow: it is created once (with
//! who/when/where and an audit entry) and never edited; a correction is a new record.

use chrono::{DateTime, NaiveDate, Utc};
use jiancha_store::Db;

use crate::auth::{authorize, Action, Session};
use crate::db::measures::{self as table, NewMeasureRow};
use crate::journal::{self, Step};
use crate::util::{cst_date, fmt_date, new_id, optional, required, Attachment};
use crate::{Result, WorkflowError};

pub use crate::db::measures::{Measure, MeasureKind, TargetKind};

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
        table::insert(
            tx,
            &NewMeasureRow {
                id: &id,
                target_kind: m.target_kind,
                target_name: &target,
                unit: &unit,
                kind: m.kind,
                decided_on: m.decided_on,
                decision_doc: &doc,
                source_id: source.as_deref(),
                recorded_at: now,
                recorded_by: &actor.name,
                workstation: &actor.workstation,
            },
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
    let mut out = table::list(db.conn(), unit.map(str::trim))?;
    for m in &mut out {
        m.attachments = journal::load_attachments(db.conn(), &m.id)?;
    }
    Ok(out)
}
