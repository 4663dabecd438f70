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
use super::render::{complete_letter, letter_err, render_to_disk, template};
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
    // Provisional values: the number, issue date and deadline are set at issue.
    let f = letter_facts(&db, session, card_ids, None, now)?;
    let body = template(LetterKind::Admonition)?
        .fill(&f)
        .map_err(letter_err)?
        .body_text();
    let a = admonition::draft(
        &mut db,
        session,
        &admonition::NewDraft {
            card_ids,
            // 主送: the unit the cards were raised against, editable before issue.
            addressee: f.get("unit").map(String::as_str).unwrap_or(""),
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
    // A 文号 is never reused: none is allocated to a letter that could not go out (Art. B7).
    let draft = admonition::get(&db, session, id, now)?;
    if draft.state == AdmonitionState::Draft {
        let f = admonition_facts(&db, session, &draft, now)?;
        complete_letter(
            LetterKind::Admonition,
            &f,
            Some(&draft.addressee),
            Some(&draft.body),
            "编号",
        )?;
    }
    let a = admonition::assign_number(&mut db, session, id, now)?;
    admonition_dto(svc, &db, session, a, now)
}

/// The facts of an admonition letter about `card_ids` as it would be issued now: the cards'
/// case, the centre, the 文号 (`number`; before numbering a provisional one), today's date and
/// the rectification deadline (Art. B9).
fn letter_facts(
    db: &jiancha_store::Db,
    session: &mut Session,
    card_ids: &[String],
    number: Option<&str>,
    now: DateTime<Utc>,
) -> Result<std::collections::BTreeMap<String, String>, ApiError> {
    let s = jiancha_workflow::settings::load(db.conn())?;
    let cal = load_calendar(db).map_err(internal)?;
    let cards_ = card_ids
        .iter()
        .map(|c| cards::get(db, session, c, now))
        .collect::<Result<Vec<_>, _>>()?;
    let mut f = facts_for_cards(db, &cards_)?;
    let today = cst_date(now);
    let due = jiancha_workflow::WorkCalendar::add_workdays(&cal, today, s.rectification_days);
    let number = number.map(str::to_string).unwrap_or_else(|| {
        jiancha_workflow::numbering::format_number(&s.admonition_prefix, today.year(), 1)
    });
    f.insert("doc_no".into(), number);
    f.insert("issue_date".into(), iso(today));
    f.insert("rectify_days".into(), s.rectification_days.to_string());
    f.insert("rectify_deadline".into(), iso(due));
    Ok(f)
}

/// [`letter_facts`] of a stored letter.
fn admonition_facts(
    db: &jiancha_store::Db,
    session: &mut Session,
    a: &jiancha_workflow::admonition::Admonition,
    now: DateTime<Utc>,
) -> Result<std::collections::BTreeMap<String, String>, ApiError> {
    letter_facts(db, session, &a.card_ids, a.number.as_deref(), now)
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
        let f = admonition_facts(&db, session, &a, now)?;
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
