//! `wf_measures`: accountability measures (Art. B10) against persons and units. Records, not a
//! workflow: a row is added once and never changed (a correction is a new record). Decision
//! files are in `wf_attachments`.

use chrono::{DateTime, NaiveDate, Utc};
use jiancha_store::rusqlite::{params, Connection, Row, Transaction};

use crate::db::attachments::StoredAttachment;
use crate::util::{fmt_date, fmt_instant, parse_date, parse_instant};
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

/// Measures, newest decision first, optionally of one unit (without attachments).
pub fn list(conn: &Connection, unit: Option<&str>) -> Result<Vec<Measure>> {
    let mut st = conn.prepare(&format!(
        "SELECT {COLS} FROM wf_measures WHERE (?1 IS NULL OR unit = ?1) ORDER BY decided_on DESC, recorded_at DESC, id"
    ))?;
    let mut rows = st.query(params![unit])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(from_row(r)?);
    }
    Ok(out)
}

/// A measure to record.
pub(crate) struct NewMeasureRow<'a> {
    pub id: &'a str,
    pub target_kind: TargetKind,
    pub target_name: &'a str,
    pub unit: &'a str,
    pub kind: MeasureKind,
    pub decided_on: NaiveDate,
    pub decision_doc: &'a str,
    pub source_id: Option<&'a str>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: &'a str,
    pub workstation: &'a str,
}

pub(crate) fn insert(tx: &Transaction<'_>, m: &NewMeasureRow<'_>) -> Result<()> {
    tx.execute(
        &format!(
            "INSERT INTO wf_measures({COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
        ),
        params![
            m.id,
            m.target_kind.code(),
            m.target_name,
            m.unit,
            m.kind.code(),
            fmt_date(m.decided_on),
            m.decision_doc,
            m.source_id,
            fmt_instant(m.recorded_at),
            m.recorded_by,
            m.workstation
        ],
    )?;
    Ok(())
}
