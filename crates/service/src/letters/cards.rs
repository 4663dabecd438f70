//! Cards (Arts. B4, B5): the clock's signal cards, officers' manual cards, relief with a leader's
//! approval.

use chrono::{DateTime, Utc};
use jiancha_api::letters::{CardDto, ManualCardInput};
use jiancha_api::{ApiError, ErrorCode};
use jiancha_workflow::cards::{
    self, CardAction, CardColor, CaseRef, ManualCard, ReliefGround, Situation,
};
use jiancha_workflow::{Approval, Session};

use super::dto::card_dto;
use super::facts::case_facts;
use super::input::{attachment, code};
use crate::app::Service;

/// Takes up the card the clock raised on a case (yellow or red, Art. B5): registered once per
/// case and colour. Refused when the cache shows no such signal.
pub fn take_up_signal_card(
    svc: &Service,
    session: &mut Session,
    case_id: &str,
    color: &str,
    now: DateTime<Utc>,
) -> Result<CardDto, ApiError> {
    let color = code("color", color, CardColor::from_code)?;
    let mut db = svc.db()?;
    let cf = case_facts(&db, case_id)?;
    let began = match color {
        CardColor::Yellow => cf.yellow_at,
        CardColor::Red => cf.red_at,
    }
    .and_then(|s| DateTime::<Utc>::from_timestamp(s, 0))
    .ok_or_else(|| {
        ApiError::new(
            ErrorCode::Conflict,
            format!(
                "办件 {case_id} 没有{}信号 / the case has no {} signal",
                color.label(),
                color.code()
            ),
        )
    })?;
    let case = CaseRef {
        case_id: case_id.trim().to_string(),
        unit: cf.unit,
        handler: cf.handler,
    };
    cards::register_signal_card(&mut db, session, &case, color, began, now)
        .map(card_dto)
        .map_err(ApiError::from)
}

/// An officer's card for an Art. B4 situation, with evidence files read and hashed here.
pub fn raise_manual_card(
    svc: &Service,
    session: &mut Session,
    input: &ManualCardInput,
    now: DateTime<Utc>,
) -> Result<CardDto, ApiError> {
    let color = code("color", &input.color, CardColor::from_code)?;
    let situation = code("situation", &input.situation, Situation::from_code)?;
    let evidence = input
        .evidence_paths
        .iter()
        .map(|p| attachment(p, "证据"))
        .collect::<Result<Vec<_>, _>>()?;
    let mut db = svc.db()?;
    cards::raise_manual_card(
        &mut db,
        session,
        &ManualCard {
            color,
            situation,
            case_id: input.case_id.as_deref(),
            unit: &input.unit,
            person: input.person.as_deref(),
            description: &input.description,
            evidence: &evidence,
        },
        now,
    )
    .map(card_dto)
    .map_err(ApiError::from)
}

/// Exempts (`exempt`) or revokes (`revoke`) a card with a reason and a leader's approval.
#[allow(clippy::too_many_arguments)]
pub fn relieve_card(
    svc: &Service,
    session: &mut Session,
    card_id: &str,
    action: &str,
    ground: &str,
    reason: &str,
    approval: Approval,
    now: DateTime<Utc>,
) -> Result<CardDto, ApiError> {
    let action = code("action", action, CardAction::from_code)?;
    let ground = code("ground", ground, ReliefGround::from_code)?;
    let mut db = svc.db()?;
    cards::relieve(
        &mut db, session, card_id, action, ground, reason, approval, now,
    )
    .map(card_dto)
    .map_err(ApiError::from)
}
