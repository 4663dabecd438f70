//! 设置 › 通知与短信 (issue 6 item 1): the SMS gateway, quiet hours, escalation, the centre's
//! facts, and the notices directory. Secrets only ever travel page → Rust.

use jiancha_api::sms::{
    ContactDto, ContactImportResult, MissingContactDto, NoticeSettingsUpdate, NoticeSettingsView,
    SmsTestResult,
};
use jiancha_api::ApiError;
use jiancha_service::sms;
use tauri::State;

use super::blocking;
use crate::AppState;

#[tauri::command]
pub async fn notice_settings_get(
    state: State<'_, AppState>,
) -> Result<NoticeSettingsView, ApiError> {
    blocking(state, sms::get).await
}

#[tauri::command]
pub async fn notice_settings_update(
    state: State<'_, AppState>,
    update: NoticeSettingsUpdate,
) -> Result<NoticeSettingsView, ApiError> {
    blocking(state, move |s| sms::update(s, &update)).await
}

#[tauri::command]
pub async fn sms_contacts_list(state: State<'_, AppState>) -> Result<Vec<ContactDto>, ApiError> {
    blocking(state, sms::contacts).await
}

#[tauri::command]
pub async fn sms_contacts_import(
    state: State<'_, AppState>,
    text: String,
) -> Result<ContactImportResult, ApiError> {
    blocking(state, move |s| sms::import_contacts(s, &text)).await
}

#[tauri::command]
pub async fn sms_contact_delete(state: State<'_, AppState>, id: i64) -> Result<(), ApiError> {
    blocking(state, move |s| sms::delete_contact(s, id)).await
}

#[tauri::command]
pub async fn sms_test_send(
    state: State<'_, AppState>,
    phone: String,
) -> Result<SmsTestResult, ApiError> {
    blocking(state, move |s| sms::test_send_blocking(s, &phone)).await
}

#[tauri::command]
pub async fn sms_contacts_missing(
    state: State<'_, AppState>,
    limit: i64,
) -> Result<Vec<MissingContactDto>, ApiError> {
    blocking(state, move |s| sms::missing_contacts(s, limit)).await
}
