//! Accountability measures (Art. B10).

use chrono::{DateTime, Utc};
use jiancha_api::letters::{MeasureDto, MeasureInput};
use jiancha_api::ApiError;
use jiancha_workflow::accountability::{self, MeasureKind, NewMeasure, TargetKind};
use jiancha_workflow::Session;

use super::dto::measure_dto;
use super::input::{attachment, code, parse_date};
use crate::app::Service;

pub fn record_measure(
    svc: &Service,
    session: &mut Session,
    m: &MeasureInput,
    now: DateTime<Utc>,
) -> Result<MeasureDto, ApiError> {
    let file = m
        .decision_file
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .map(|p| attachment(p, "决定文书"))
        .transpose()?;
    let mut db = svc.db()?;
    accountability::record(
        &mut db,
        session,
        &NewMeasure {
            target_kind: code("target_kind", &m.target_kind, TargetKind::from_code)?,
            target_name: &m.target_name,
            unit: &m.unit,
            kind: code("kind", &m.kind, MeasureKind::from_code)?,
            decided_on: parse_date("decided_on", &m.decided_on)?,
            decision_doc: &m.decision_doc,
            decision_file: file.as_ref(),
            source_id: m.source_id.as_deref(),
        },
        now,
    )
    .map(measure_dto)
    .map_err(ApiError::from)
}
