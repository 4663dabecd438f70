//! The 效能告诫书 (Arts. B7, B9): draft, edit, number, issue, report, file, discard.

use chrono::{DateTime, Datelike, Utc};
use jiancha_api::letters::AdmonitionDto;
use jiancha_api::ApiError;
use jiancha_letters::LetterKind;
use jiancha_workflow::admonition::{self, AdmonitionState};
use jiancha_workflow::cards;
use jiancha_workflow::util::cst_date;
use jiancha_workflow::Session;

use super::dto::admonition_dto;
use super::facts::{facts_for_cards, iso};
use super::input::attachment;
use super::render::{letter_err, render_to_disk, template};
use crate::app::Service;
use crate::calendar_store::load_calendar;
use crate::error::internal;

/// Drafts a 效能告诫书 from one or several active yellow cards of one unit (Art. B7); the body
/// is the template's text filled with the case facts, to be edited before issue.
pub fn draft_admonition(
    svc: &Service,
    session: &mut Session,
    card_ids: &[String],
    now: DateTime<Utc>,
) -> Result<AdmonitionDto, ApiError> {
    let mut db = svc.db()?;
    let cards_ = card_ids
        .iter()
        .map(|id| cards::get(&db, session, id, now))
        .collect::<Result<Vec<_>, _>>()?;
    let mut f = facts_for_cards(&db, &cards_)?;
    let s = jiancha_workflow::settings::load(db.conn())?;
    let cal = load_calendar(&db).map_err(internal)?;
    // Provisional values: the number, issue date and deadline are set at issue.
    let today = cst_date(now);
    f.insert(
        "doc_no".into(),
        jiancha_workflow::numbering::format_number(&s.admonition_prefix, today.year(), 1),
    );
    f.insert("issue_date".into(), iso(today));
    f.insert("rectify_days".into(), s.rectification_days.to_string());
    f.insert(
        "rectify_deadline".into(),
        iso(jiancha_workflow::WorkCalendar::add_workdays(
            &cal,
            today,
            s.rectification_days,
        )),
    );
    let body = template(LetterKind::Admonition)?
        .fill(&f)
        .map_err(letter_err)?
        .body_text();
    let a = admonition::draft(
        &mut db,
        session,
        &admonition::NewDraft {
            card_ids,
            addressee: "",
            body: &body,
        },
        now,
    )?;
    admonition_dto(svc, &db, session, a, now)
}

pub fn get_admonition(
    svc: &Service,
    session: &mut Session,
    id: &str,
    now: DateTime<Utc>,
) -> Result<AdmonitionDto, ApiError> {
    let db = svc.db()?;
    let a = admonition::get(&db, session, id, now)?;
    admonition_dto(svc, &db, session, a, now)
}

pub fn edit_admonition(
    svc: &Service,
    session: &mut Session,
    id: &str,
    addressee: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<AdmonitionDto, ApiError> {
    let mut db = svc.db()?;
    let a = admonition::edit(&mut db, session, id, addressee, body, now)?;
    admonition_dto(svc, &db, session, a, now)
}

/// Assigns the next 文号 of the year (prefix from the settings, never reused).
pub fn number_admonition(
    svc: &Service,
    session: &mut Session,
    id: &str,
    now: DateTime<Utc>,
) -> Result<AdmonitionDto, ApiError> {
    let mut db = svc.db()?;
    let a = admonition::assign_number(&mut db, session, id, now)?;
    admonition_dto(svc, &db, session, a, now)
}

/// Issues the letter: renders DOCX + PDF to `letters/<year>/<文号>.*` first (nothing changes
/// when rendering fails), then records the issue, which sets the rectification deadline
/// (Art. B9: `rectification.days` working days).
pub fn issue_admonition(
    svc: &Service,
    session: &mut Session,
    id: &str,
    now: DateTime<Utc>,
) -> Result<AdmonitionDto, ApiError> {
    let mut db = svc.db()?;
    let a = admonition::get(&db, session, id, now)?;
    let cal = load_calendar(&db).map_err(internal)?;
    let mut written = Vec::new();
    if a.state == AdmonitionState::Numbered {
        let s = jiancha_workflow::settings::load(db.conn())?;
        let cards_ = a
            .card_ids
            .iter()
            .map(|c| cards::get(&db, session, c, now))
            .collect::<Result<Vec<_>, _>>()?;
        let mut f = facts_for_cards(&db, &cards_)?;
        let today = cst_date(now);
        let due = jiancha_workflow::WorkCalendar::add_workdays(&cal, today, s.rectification_days);
        f.insert("doc_no".into(), a.number.clone().unwrap_or_default());
        f.insert("issue_date".into(), iso(today));
        f.insert("rectify_days".into(), s.rectification_days.to_string());
        f.insert("rectify_deadline".into(), iso(due));
        written = render_to_disk(
            svc,
            LetterKind::Admonition,
            &f,
            Some(&a.addressee),
            Some(&a.body),
        )?;
    }
    // Any other state: the workflow refuses with the state and action named (conflict).
    match admonition::issue(&mut db, session, &cal, id, now) {
        Ok(a) => admonition_dto(svc, &db, session, a, now),
        Err(e) => {
            for f in written {
                let _ = std::fs::remove_file(f);
            }
            Err(ApiError::from(e))
        }
    }
}

/// Records the unit's written rectification report (Art. B9): the file chosen in the page is
/// read and hashed here; `received_on` defaults to now.
pub fn receive_report(
    svc: &Service,
    session: &mut Session,
    id: &str,
    path: &str,
    now: DateTime<Utc>,
) -> Result<AdmonitionDto, ApiError> {
    let report = attachment(path, "整改报告")?;
    let mut db = svc.db()?;
    let a = admonition::receive_report(&mut db, session, id, &report, now, now)?;
    admonition_dto(svc, &db, session, a, now)
}

pub fn file_admonition(
    svc: &Service,
    session: &mut Session,
    id: &str,
    now: DateTime<Utc>,
) -> Result<AdmonitionDto, ApiError> {
    let mut db = svc.db()?;
    let a = admonition::file(&mut db, session, id, now)?;
    admonition_dto(svc, &db, session, a, now)
}

pub fn discard_admonition(
    svc: &Service,
    session: &mut Session,
    id: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<AdmonitionDto, ApiError> {
    let mut db = svc.db()?;
    let a = admonition::discard(&mut db, session, id, reason, now)?;
    admonition_dto(svc, &db, session, a, now)
}
