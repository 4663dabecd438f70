//! Red-card investigations (Art. B8): submission, the leader's approval, the 初步调查通知书, findings,
//! proposal, decision, conclusion, the queue.

use chrono::{DateTime, Datelike, Utc};
use jiancha_api::letters::{DecisionInput, RedCaseDto};
use jiancha_api::{ApiError, ErrorCode};
use jiancha_letters::LetterKind;
use jiancha_workflow::admonition::{self, AdmonitionFilter};
use jiancha_workflow::cards;
use jiancha_workflow::redcard::{self, Decision, DecisionBody, Outcome, RedState};
use jiancha_workflow::util::cst_date;
use jiancha_workflow::{Approval, Session};

use super::dto::red_dto;
use super::facts::{case_facts, facts_for_cards, iso};
use super::input::{attachment, code, parse_date};
use super::render::{complete_letter, render_to_disk};
use crate::app::Service;
use crate::calendar_store::load_calendar;
use crate::error::{internal, invalid};

pub fn submit_red_card(
    svc: &Service,
    session: &mut Session,
    card_id: &str,
    summary: &str,
    now: DateTime<Utc>,
) -> Result<RedCaseDto, ApiError> {
    let mut db = svc.db()?;
    let cal = load_calendar(&db).map_err(internal)?;
    let r = redcard::submit(&mut db, session, &cal, card_id, summary, now)?;
    red_dto(svc, &db, session, r, now)
}

/// The leader approves (`approve = true`, optional opinion) or rejects (reason required).
pub fn decide_red_approval(
    svc: &Service,
    session: &mut Session,
    id: &str,
    approve: bool,
    text: &str,
    approval: Approval,
    now: DateTime<Utc>,
) -> Result<RedCaseDto, ApiError> {
    let mut db = svc.db()?;
    let cal = load_calendar(&db).map_err(internal)?;
    let r = if approve {
        let op = (!text.trim().is_empty()).then_some(text);
        redcard::approve(&mut db, session, &cal, id, approval, op, now)
    } else {
        redcard::reject(&mut db, session, &cal, id, approval, text, now)
    }?;
    red_dto(svc, &db, session, r, now)
}

pub fn investigate_directly(
    svc: &Service,
    session: &mut Session,
    id: &str,
    investigators: &str,
    now: DateTime<Utc>,
) -> Result<RedCaseDto, ApiError> {
    let mut db = svc.db()?;
    let cal = load_calendar(&db).map_err(internal)?;
    let r = redcard::investigate_directly(&mut db, session, &cal, id, investigators, now)?;
    red_dto(svc, &db, session, r, now)
}

/// Issues the 初步调查通知书 (own numbering) to the unit's discipline body and renders it.
/// The number is allocated with the step; should rendering then fail, the step stands and
/// [`render_notice_files`] renders again.
pub fn issue_investigation_notice(
    svc: &Service,
    session: &mut Session,
    id: &str,
    addressee: &str,
    now: DateTime<Utc>,
) -> Result<RedCaseDto, ApiError> {
    let mut db = svc.db()?;
    let cal = load_calendar(&db).map_err(internal)?;
    let mut addressee = addressee.trim().to_string();
    if addressee.is_empty() {
        let r = redcard::get(&db, session, id, now)?;
        let card = cards::get(&db, session, &r.card_id, now)?;
        if let Some(c) = card.case_id {
            addressee = case_facts(&db, &c)
                .map(|f| f.discipline_body)
                .unwrap_or_default();
        }
    }
    // The notice's 文号 is allocated with the step and never reused: a notice that could not go
    // out (a gap in its facts, Art. B7) is refused before it is numbered.
    let r = redcard::get(&db, session, id, now)?;
    if r.state == RedState::Approved {
        let s = jiancha_workflow::settings::load(db.conn())?;
        let provisional = jiancha_workflow::numbering::format_number(
            &s.investigation_prefix,
            cst_date(now).year(),
            1,
        );
        let f = notice_facts(&db, session, &r, provisional, now, now)?;
        let to = (!addressee.is_empty()).then_some(addressee.as_str());
        complete_letter(LetterKind::InvestigationNotice, &f, to, None, "签发")?;
    }
    redcard::issue_notice(&mut db, session, &cal, id, &addressee, now)?;
    render_notice_files(svc, session, id, now)
}

/// The facts of the 初步调查通知书 numbered `number`, issued at `issued`: the red card's case,
/// the centre, and the case's issued 效能告诫书 when there was one (the sentence and the
/// attachment about it are left out when there was none: a letter states only facts).
fn notice_facts(
    db: &jiancha_store::Db,
    session: &mut Session,
    r: &redcard::RedCase,
    number: String,
    issued: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<std::collections::BTreeMap<String, String>, ApiError> {
    let card = cards::get(db, session, &r.card_id, now)?;
    let mut f = facts_for_cards(db, std::slice::from_ref(&card))?;
    let s = jiancha_workflow::settings::load(db.conn())?;
    let prior = card.case_id.as_ref().and_then(|c| {
        admonition::list(
            db,
            session,
            &AdmonitionFilter {
                case_id: Some(c.clone()),
                ..Default::default()
            },
            now,
        )
        .ok()?
        .into_iter()
        .find(|a| a.issued_at.is_some())
    });
    let red_on = card.signal_at.unwrap_or(card.raised_at);
    f.insert("red_card_on".into(), iso(cst_date(red_on)));
    f.insert("doc_no".into(), number);
    f.insert("issue_date".into(), iso(cst_date(issued)));
    f.insert("unit".into(), r.unit.clone());
    f.insert("report_days".into(), s.red.investigation.to_string());
    f.insert(
        "report_deadline".into(),
        r.step_due.map(iso).unwrap_or_else(|| iso(cst_date(issued))),
    );
    let (sentence, attachment) = match prior {
        Some(a) => {
            let no = a.number.unwrap_or_default();
            let on = cst_date(a.issued_at.unwrap_or(issued));
            let issuer = f.get("issuer").cloned().unwrap_or_default();
            (
                format!(
                    "{issuer}于{}年{}月{}日向该单位发出《效能告诫书》（{no}）。该单位未在规定期限内整改到位，",
                    on.year(),
                    on.month(),
                    on.day()
                ),
                format!("效能告诫书（{no}）及送达回证复印件"),
            )
        }
        None => (String::new(), String::new()),
    };
    f.insert("admonition_sentence".into(), sentence);
    f.insert("admonition_attachment".into(), attachment);
    Ok(f)
}

/// (Re)renders the issued 初步调查通知书 of a red-card matter.
pub fn render_notice_files(
    svc: &Service,
    session: &mut Session,
    id: &str,
    now: DateTime<Utc>,
) -> Result<RedCaseDto, ApiError> {
    let db = svc.db()?;
    let r = redcard::get(&db, session, id, now)?;
    let number = r.notice_number.clone().ok_or_else(|| {
        ApiError::new(
            ErrorCode::Conflict,
            "尚未签发初步调查通知书 / no notice issued yet",
        )
    })?;
    let f = notice_facts(&db, session, &r, number, r.state_since, now)?;
    render_to_disk(
        svc,
        LetterKind::InvestigationNotice,
        &f,
        r.notice_addressee.as_deref(),
        None,
    )?;
    red_dto(svc, &db, session, r, now)
}

pub fn record_findings(
    svc: &Service,
    session: &mut Session,
    id: &str,
    findings: &str,
    paths: &[String],
    now: DateTime<Utc>,
) -> Result<RedCaseDto, ApiError> {
    let files = paths
        .iter()
        .map(|p| attachment(p, "调查材料"))
        .collect::<Result<Vec<_>, _>>()?;
    let mut db = svc.db()?;
    let cal = load_calendar(&db).map_err(internal)?;
    let r = redcard::record_findings(&mut db, session, &cal, id, findings, &files, now)?;
    red_dto(svc, &db, session, r, now)
}

pub fn propose_outcome(
    svc: &Service,
    session: &mut Session,
    id: &str,
    outcome: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<RedCaseDto, ApiError> {
    let outcome = code("outcome", outcome, Outcome::from_code)?;
    let mut db = svc.db()?;
    let cal = load_calendar(&db).map_err(internal)?;
    let r = redcard::propose(&mut db, session, &cal, id, outcome, reason, now)?;
    red_dto(svc, &db, session, r, now)
}

pub fn record_decision(
    svc: &Service,
    session: &mut Session,
    id: &str,
    d: &DecisionInput,
    now: DateTime<Utc>,
) -> Result<RedCaseDto, ApiError> {
    let dec = Decision {
        outcome: code("outcome", &d.outcome, Outcome::from_code)?,
        body: code("body", &d.body, DecisionBody::from_code)?,
        date: parse_date("date", &d.date)?,
        minutes_number: d.minutes_number.clone(),
    };
    let mut db = svc.db()?;
    let cal = load_calendar(&db).map_err(internal)?;
    let r = redcard::record_decision(&mut db, session, &cal, id, &dec, now)?;
    red_dto(svc, &db, session, r, now)
}

/// Concludes: `hand_over` (text = receiving body) or `close` (text = closing note), or
/// `file` (建档, text ignored).
pub fn conclude_red_case(
    svc: &Service,
    session: &mut Session,
    id: &str,
    step: &str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<RedCaseDto, ApiError> {
    let mut db = svc.db()?;
    let cal = load_calendar(&db).map_err(internal)?;
    let r = match step {
        "hand_over" => redcard::hand_over(&mut db, session, &cal, id, text, now),
        "close" => redcard::close(&mut db, session, &cal, id, text, now),
        "file" => redcard::file(&mut db, session, &cal, id, now),
        other => {
            return Err(invalid(format!(
                "未知步骤 {other:?} / unknown step (hand_over, close, file)"
            )))
        }
    }?;
    red_dto(svc, &db, session, r, now)
}

pub fn get_red_case(
    svc: &Service,
    session: &mut Session,
    id: &str,
    now: DateTime<Utc>,
) -> Result<RedCaseDto, ApiError> {
    let db = svc.db()?;
    let r = redcard::get(&db, session, id, now)?;
    red_dto(svc, &db, session, r, now)
}

/// The open-steps queue of red-card matters (each step's deadline on the working-day
/// calendar), earliest deadline first; optionally of one state.
pub fn red_queue(
    svc: &Service,
    session: &mut Session,
    state: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<RedCaseDto>, ApiError> {
    let state = state
        .filter(|s| !s.trim().is_empty())
        .map(|s| code("state", s, RedState::from_code))
        .transpose()?;
    let db = svc.db()?;
    let mut v = redcard::list(&db, session, state, now)?;
    v.sort_by(|a, b| {
        (a.state == RedState::Filed, a.step_due, &a.id).cmp(&(
            b.state == RedState::Filed,
            b.step_due,
            &b.id,
        ))
    });
    v.into_iter()
        .map(|r| red_dto(svc, &db, session, r, now))
        .collect()
}
