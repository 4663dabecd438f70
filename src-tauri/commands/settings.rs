//! The 设置 screen (issue 5 item 6). The token only ever travels page → Rust.

use jiancha_api::settings::{SettingsUpdate, SettingsView};
use jiancha_api::ApiError;
use jiancha_service::settings;
use tauri::State;

use super::blocking;
use crate::AppState;

#[tauri::command]
pub async fn settings_get(state: State<'_, AppState>) -> Result<SettingsView, ApiError> {
    blocking(state, settings::get).await
}

#[tauri::command]
pub async fn settings_update(
    state: State<'_, AppState>,
    update: SettingsUpdate,
) -> Result<SettingsView, ApiError> {
    blocking(state, move |s| settings::update(s, update)).await
}
