//! The letter workflows (issues 6 and 7; Arts. B4–B10): cards, 效能告诫书, red-card
//! investigations, measures and warning notices. Every rule is in
//! `jiancha_service::letters` (session and role checked there); these only forward.

use jiancha_api::letters::{
    AdmonitionDto, CardDto, CaseLettersDto, DecisionInput, LetterFilter, LetterRow,
    ManualCardInput, MeasureDto, MeasureInput, NoticeDto, RedCaseDto,
};
use jiancha_api::ApiError;
use jiancha_service::letters as l;
use tauri::State;

use super::blocking;
use crate::AppState;

#[tauri::command]
pub async fn letters_case(
    state: State<'_, AppState>,
    case_id: String,
) -> Result<CaseLettersDto, ApiError> {
    blocking(state, move |s| l::cmd_case(s, &case_id)).await
}

#[tauri::command]
pub async fn letters_list(
    state: State<'_, AppState>,
    filter: LetterFilter,
) -> Result<Vec<LetterRow>, ApiError> {
    blocking(state, move |s| l::cmd_list(s, &filter)).await
}

#[tauri::command]
pub async fn letters_red_queue(
    state: State<'_, AppState>,
    status: Option<String>,
) -> Result<Vec<RedCaseDto>, ApiError> {
    blocking(state, move |s| l::cmd_red_queue(s, status.as_deref())).await
}

#[tauri::command]
pub async fn letters_take_up_card(
    state: State<'_, AppState>,
    case_id: String,
    color: String,
) -> Result<CardDto, ApiError> {
    blocking(state, move |s| l::cmd_take_up_card(s, &case_id, &color)).await
}

#[tauri::command]
pub async fn letters_raise_card(
    state: State<'_, AppState>,
    input: ManualCardInput,
) -> Result<CardDto, ApiError> {
    blocking(state, move |s| l::cmd_raise_card(s, &input)).await
}

#[tauri::command]
pub async fn letters_relieve_card(
    state: State<'_, AppState>,
    card_id: String,
    action: String,
    ground: String,
    reason: String,
    approval_id: String,
) -> Result<CardDto, ApiError> {
    blocking(state, move |s| {
        l::cmd_relieve_card(s, &card_id, &action, &ground, &reason, &approval_id)
    })
    .await
}

#[tauri::command]
pub async fn letters_admonition_draft(
    state: State<'_, AppState>,
    card_ids: Vec<String>,
) -> Result<AdmonitionDto, ApiError> {
    blocking(state, move |s| l::cmd_admonition_draft(s, &card_ids)).await
}

#[tauri::command]
pub async fn letters_admonition_get(
    state: State<'_, AppState>,
    id: String,
) -> Result<AdmonitionDto, ApiError> {
    blocking(state, move |s| l::cmd_admonition_get(s, &id)).await
}

#[tauri::command]
pub async fn letters_admonition_edit(
    state: State<'_, AppState>,
    id: String,
    addressee: String,
    body: String,
) -> Result<AdmonitionDto, ApiError> {
    blocking(state, move |s| {
        l::cmd_admonition_edit(s, &id, &addressee, &body)
    })
    .await
}

#[tauri::command]
pub async fn letters_admonition_step(
    state: State<'_, AppState>,
    id: String,
    step: String,
    text: String,
) -> Result<AdmonitionDto, ApiError> {
    blocking(state, move |s| l::cmd_admonition_step(s, &id, &step, &text)).await
}

#[tauri::command]
pub async fn letters_red_submit(
    state: State<'_, AppState>,
    card_id: String,
    summary: String,
) -> Result<RedCaseDto, ApiError> {
    blocking(state, move |s| l::cmd_red_submit(s, &card_id, &summary)).await
}

#[tauri::command]
pub async fn letters_red_approval(
    state: State<'_, AppState>,
    id: String,
    approve: bool,
    text: String,
    approval_id: String,
) -> Result<RedCaseDto, ApiError> {
    blocking(state, move |s| {
        l::cmd_red_approval(s, &id, approve, &text, &approval_id)
    })
    .await
}

#[tauri::command]
pub async fn letters_red_step(
    state: State<'_, AppState>,
    id: String,
    step: String,
    text: String,
    outcome: String,
    paths: Vec<String>,
) -> Result<RedCaseDto, ApiError> {
    blocking(state, move |s| {
        l::cmd_red_step(s, &id, &step, &text, &outcome, &paths)
    })
    .await
}

#[tauri::command]
pub async fn letters_red_decision(
    state: State<'_, AppState>,
    id: String,
    decision: DecisionInput,
) -> Result<RedCaseDto, ApiError> {
    blocking(state, move |s| l::cmd_red_decision(s, &id, &decision)).await
}

#[tauri::command]
pub async fn letters_red_get(
    state: State<'_, AppState>,
    id: String,
) -> Result<RedCaseDto, ApiError> {
    blocking(state, move |s| l::cmd_red_get(s, &id)).await
}

#[tauri::command]
pub async fn letters_measure(
    state: State<'_, AppState>,
    input: MeasureInput,
) -> Result<MeasureDto, ApiError> {
    blocking(state, move |s| l::cmd_measure(s, &input)).await
}

#[tauri::command]
pub async fn letters_phone_call(
    state: State<'_, AppState>,
    case_id: String,
    handler: String,
    called_at: String,
    outcome: String,
    note: String,
) -> Result<NoticeDto, ApiError> {
    blocking(state, move |s| {
        l::cmd_phone_call(s, &case_id, &handler, &called_at, &outcome, &note)
    })
    .await
}

#[tauri::command]
pub async fn letters_queue_sms(
    state: State<'_, AppState>,
    case_id: String,
    phone: String,
) -> Result<NoticeDto, ApiError> {
    blocking(state, move |s| l::cmd_queue_sms(s, &case_id, &phone)).await
}
