//! The case screen's letters and the 文书 list.

use chrono::{DateTime, Utc};
use jiancha_api::letters::{CaseLettersDto, LetterFilter, LetterKind, LetterRow};
use jiancha_api::ApiError;
use jiancha_workflow::accountability;
use jiancha_workflow::admonition::{self, AdmonitionFilter, AdmonitionState};
use jiancha_workflow::cards::{self, CardFilter};
use jiancha_workflow::notices;
use jiancha_workflow::redcard;
use jiancha_workflow::util::cst_date;
use jiancha_workflow::Session;

use super::dto::{admonition_dto, api, at, card_dto, cst_text, measure_dto, notice_dto, red_dto};
use super::facts::{case_facts, iso};
use super::input::parse_date;
use super::render::existing_files;
use crate::app::Service;
use crate::calendar_store::load_calendar;
use crate::error::{internal, invalid};

/// Everything about one case's cards, letters, investigations, notices and measures.
pub fn case_letters(
    svc: &Service,
    session: &mut Session,
    case_id: &str,
    now: DateTime<Utc>,
) -> Result<CaseLettersDto, ApiError> {
    let db = svc.db()?;
    let signal = case_facts(&db, case_id)
        .ok()
        .and_then(|f| f.signal)
        .map(|s| api(&s));
    let cards_ = cards::list(
        &db,
        session,
        &CardFilter {
            case_id: Some(case_id.trim().into()),
            ..Default::default()
        },
        now,
    )?;
    let mut measures = Vec::new();
    let ids: Vec<String> = cards_.iter().map(|c| c.id.clone()).collect();
    let adm = admonition::list(
        &db,
        session,
        &AdmonitionFilter {
            case_id: Some(case_id.trim().into()),
            ..Default::default()
        },
        now,
    )?;
    let reds = redcard::for_case(&db, session, case_id, now)?;
    let mut sources: Vec<String> = ids.clone();
    sources.extend(adm.iter().map(|a| a.id.clone()));
    sources.extend(reds.iter().map(|r| r.id.clone()));
    let units: Vec<String> = cards_.iter().map(|c| c.unit.clone()).collect();
    for u in units.iter().take(1) {
        for m in accountability::list(&db, session, Some(u), now)? {
            if m.source_id.as_ref().is_some_and(|s| sources.contains(s)) {
                measures.push(measure_dto(m));
            }
        }
    }
    Ok(CaseLettersDto {
        case_id: case_id.trim().into(),
        signal,
        cards: cards_.into_iter().map(card_dto).collect(),
        admonitions: adm
            .into_iter()
            .map(|a| admonition_dto(svc, &db, session, a, now))
            .collect::<Result<_, _>>()?,
        red_cases: reds
            .into_iter()
            .map(|r| red_dto(svc, &db, session, r, now))
            .collect::<Result<_, _>>()?,
        notices: notices::for_case(&db, session, case_id, now)?
            .into_iter()
            .map(notice_dto)
            .collect(),
        measures,
        sms_unavailable: crate::sms::unavailable_reason(&db),
        sms: crate::sms::for_case(&db, case_id)?,
        sms_stopped: crate::sms::stopped_reason(&db, case_id)?,
    })
}

/// The 文书 list: 效能告诫书 and 初步调查通知书 with filters by kind, state, unit and date.
pub fn list_letters(
    svc: &Service,
    session: &mut Session,
    f: &LetterFilter,
    now: DateTime<Utc>,
) -> Result<Vec<LetterRow>, ApiError> {
    let from = f
        .from
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| parse_date("from", s))
        .transpose()?;
    let to =
        f.to.as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| parse_date("to", s))
            .transpose()?;
    // Issue 12 item 8: a reversed range is an error, not an empty list.
    if let (Some(a), Some(b)) = (from, to) {
        if b < a {
            return Err(invalid(format!(
                "日期范围颠倒：起始日 {a} 晚于结束日 {b} / date range reversed"
            )));
        }
    }
    let kind = f.kind.as_deref().filter(|s| !s.trim().is_empty());
    if let Some(k) = kind {
        if k != "admonition" && k != "investigation-notice" {
            return Err(invalid(format!(
                "未知文书类型 {k:?} / unknown kind (admonition, investigation-notice)"
            )));
        }
    }
    let unit = f.unit.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let state = f.state.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let in_range = |t: DateTime<Utc>| {
        let d = cst_date(t);
        from.is_none_or(|x| d >= x) && to.is_none_or(|x| d <= x)
    };
    let db = svc.db()?;
    let cal = load_calendar(&db).map_err(internal)?;
    let lead = jiancha_workflow::settings::load(db.conn())?.rectification_warning_lead;
    let mut rows = Vec::new();
    if kind != Some("investigation-notice") {
        for a in admonition::list(
            &db,
            session,
            &AdmonitionFilter {
                unit: unit.map(Into::into),
                ..Default::default()
            },
            now,
        )? {
            if state.is_some_and(|s| s != a.state.code()) || !in_range(a.created_at) {
                continue;
            }
            let sig = admonition::rectification_signal(&a, &cal, lead, now);
            let issued = matches!(
                a.state,
                AdmonitionState::Issued | AdmonitionState::ReportReceived | AdmonitionState::Filed
            );
            rows.push(LetterRow {
                kind: LetterKind::Admonition,
                kind_label: "效能告诫书".into(),
                files: if issued {
                    existing_files(svc, a.number.as_deref())
                } else {
                    Vec::new()
                },
                id: a.id,
                number: a.number,
                unit: a.unit,
                state: a.state.code().into(),
                state_label: a.state.label().into(),
                created_at: at(a.created_at),
                created_by: a.created_by,
                issued_at: a.issued_at.map(at),
                due: a.report_due.map(iso),
                due_signal: Some(sig.code().into()),
            });
        }
    }
    if kind != Some("admonition") {
        for r in redcard::list(&db, session, None, now)? {
            let Some(number) = r.notice_number.clone() else {
                continue;
            };
            if unit.is_some_and(|u| u != r.unit)
                || state.is_some_and(|s| s != r.state.code())
                || !in_range(r.created_at)
            {
                continue;
            }
            let issued_at = redcard::history(&db, session, &r.id, now)?
                .into_iter()
                .find(|t| t.action == "issue_notice")
                .map(|t| cst_text(&t.at));
            rows.push(LetterRow {
                kind: LetterKind::InvestigationNotice,
                kind_label: "初步调查通知书".into(),
                files: existing_files(svc, Some(&number)),
                number: Some(number),
                unit: r.unit,
                state: r.state.code().into(),
                state_label: r.state.label().into(),
                created_at: at(r.created_at),
                created_by: r.created_by,
                issued_at,
                due_signal: r.step_due.map(|d| {
                    if cst_date(now) > d {
                        "overdue".into()
                    } else {
                        "open".into()
                    }
                }),
                due: r.step_due.map(iso),
                id: r.id,
            });
        }
    }
    rows.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    Ok(rows)
}
