//! The status bar and the 同步 screen (issue 5 item 4).

use jiancha_api::sync::{DeptSyncStatus, QuarantinePage, QuarantineRecord, SyncStatus};
use jiancha_api::ApiError;
use jiancha_service::sync;
use tauri::State;

use super::blocking;
use crate::AppState;

#[tauri::command]
pub async fn sync_status(state: State<'_, AppState>) -> Result<SyncStatus, ApiError> {
    blocking(state, sync::status).await
}

#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>) -> Result<SyncStatus, ApiError> {
    blocking(state, sync::sync_now).await
}

#[tauri::command]
pub async fn sync_departments(state: State<'_, AppState>) -> Result<Vec<DeptSyncStatus>, ApiError> {
    blocking(state, sync::departments).await
}

#[tauri::command]
pub async fn quarantine_page(
    state: State<'_, AppState>,
    offset: u64,
    limit: u32,
) -> Result<QuarantinePage, ApiError> {
    blocking(state, move |s| sync::quarantine_page(s, offset, limit)).await
}

#[tauri::command]
pub async fn quarantine_record(
    state: State<'_, AppState>,
    id: i64,
) -> Result<QuarantineRecord, ApiError> {
    blocking(state, move |s| sync::quarantine_record(s, id)).await
}
